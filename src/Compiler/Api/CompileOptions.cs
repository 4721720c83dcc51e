namespace MobileViT.Compiler.Api
{
    /// <summary>Everything the compiler needs to know besides the model bytes.</summary>
    public sealed class CompileOptions
    {
        /// <summary>File name shown in diagnostics (e.g. "MobileViTXS.onnx").</summary>
        public string ModelFileName { get; set; } = "model.onnx";

        /// <summary>Name of the generated static class (a C# identifier).</summary>
        public string ClassName { get; set; } = "Model";

        /// <summary>Namespace of the generated class; empty for the global namespace.</summary>
        public string Namespace { get; set; } = "";

        /// <summary>Manifest resource name under which the .onnx bytes are embedded in the consumer assembly.</summary>
        public string ResourceName { get; set; } = "model.onnx";

        /// <summary>
        /// The model's folder, which external data locations are relative to (and confined to). Null refuses external
        /// data with MVC0006, as when only the model's bytes are at hand.
        /// </summary>
        public string? ModelDirectory { get; set; }

        /// <summary>
        /// The external data locations (normalized, '/'-separated) that the build embeds beside the model, when known: a
        /// location the model needs that is missing here is reported (MVC0006) instead of failing when the code runs.
        /// Null when unknown (in-process tools embed whatever <see cref="CompileResult.ExternalDataFiles"/> lists).
        /// </summary>
        public System.Collections.Generic.IReadOnlyList<string>? EmbeddedExternalData { get; set; }

        /// <summary>Item metadata InputShape, e.g. "1x3x256x256"; null when not set.</summary>
        public string? InputShape { get; set; }

        /// <summary>Item metadata InputShapes, e.g. "1x3x160x160;1x3x256x256"; null when not set.</summary>
        public string? InputShapes { get; set; }

        /// <summary>Item metadata MaxTensorMegabytes: the largest tensor accepted (default <see cref="ResourceLimits.DefaultMaxTensorMegabytes"/>).</summary>
        public string? MaxTensorMegabytes { get; set; }

        /// <summary>Item metadata MaxArenaMegabytes: the largest scratch arena accepted (default <see cref="ResourceLimits.DefaultMaxArenaMegabytes"/>).</summary>
        public string? MaxArenaMegabytes { get; set; }

        /// <summary>
        /// For profiling tools only; null in builds. A static method <c>void M(int step)</c>, fully qualified, that the
        /// generated Run calls after each step with the step's index (0, 1, ...), so a tool can time every step.
        /// </summary>
        public string? StepProbe { get; set; }
    }
}
