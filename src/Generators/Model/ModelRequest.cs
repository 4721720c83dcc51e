using MobileViT.Compiler.Diagnostics;

namespace MobileViT.Generators.Model
{
    /// <summary>
    /// One .onnx AdditionalFiles item and everything its item metadata says, as plain data.
    /// <see cref="FileLength"/> and <see cref="LastWriteTicks"/> make an edited model file compare unequal,
    /// so the compile step runs again even though path and metadata did not change.
    /// </summary>
    /// <param name="Problems">Errors found in the metadata; a request with any is not compiled.</param>
    /// <param name="EmbeddedExternalData">
    /// The MobileViTExternalData metadata build/MobileViT.Compiler.ExternalData.targets sets: the external data files the
    /// build embeds, as "|a|b|"; null when that target did not run.
    /// </param>
    /// <param name="ExternalDataStamp">Sizes and times of those files, so editing one alone also compiles the model again.</param>
    internal sealed record ModelRequest(
        string FilePath,
        string FileName,
        string ClassName,
        string Namespace,
        string? InputShape,
        string? InputShapes,
        string? MaxTensorMegabytes,
        string? MaxArenaMegabytes,
        long FileLength,
        long LastWriteTicks,
        EquatableArray<CompilerDiagnostic> Problems,
        string? EmbeddedExternalData = null,
        string? ExternalDataStamp = null)
    {
        /// <summary>Manifest resource name of the embedded model; build/MobileViT.Compiler.targets uses the same convention.</summary>
        public string ResourceName => ResourceNames.Prefix + FileName;

        public string HintName => ClassName + ".g.cs";
    }
}
