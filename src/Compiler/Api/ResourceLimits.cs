using System.Globalization;
using MobileViT.Compiler.Diagnostics;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Api
{
    /// <summary>
    /// Bounds checked before anything is allocated, so a hostile or broken model cannot make the build (or the app)
    /// allocate without limit. Raise them per model with item metadata when a genuine model needs more.
    /// </summary>
    public sealed class ResourceLimits
    {
        public const int DefaultMaxTensorMegabytes = 1024;
        public const int DefaultMaxArenaMegabytes = 2048;
        public const int MaxNodes = 100_000;

        private ResourceLimits(long maxTensorElements, long maxArenaElements)
        {
            MaxTensorElements = maxTensorElements;
            MaxArenaElements = maxArenaElements;
        }

        /// <summary>Largest number of elements one tensor (constant or run-time) may have.</summary>
        public long MaxTensorElements { get; }

        /// <summary>Largest scratch arena, in floats.</summary>
        public long MaxArenaElements { get; }

        public static ResourceLimits Default { get; } = new ResourceLimits(Elements(DefaultMaxTensorMegabytes), Elements(DefaultMaxArenaMegabytes));

        public static ResourceLimits FromOptions(CompileOptions options) => new ResourceLimits(
            Elements(Parse(options, "MaxTensorMegabytes", options.MaxTensorMegabytes, DefaultMaxTensorMegabytes)),
            Elements(Parse(options, "MaxArenaMegabytes", options.MaxArenaMegabytes, DefaultMaxArenaMegabytes)));

        private static long Elements(long megabytes) => megabytes * (1L << 20) / 4;

        private static long Parse(CompileOptions options, string name, string? text, long fallback)
        {
            if (string.IsNullOrWhiteSpace(text)) return fallback;
            if (long.TryParse(text!.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long value) && value > 0 && value <= 1L << 30)
                return value;
            throw new CompileError(DiagnosticCatalog.InvalidMetadata.Create(options.ModelFileName, name, text, "it must be a positive whole number of megabytes"));
        }
    }
}
