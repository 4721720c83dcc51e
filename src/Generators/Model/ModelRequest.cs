using MobileViT.Compiler.Diagnostics;

namespace MobileViT.Generators.Model
{
    /// <summary>
    /// One .onnx AdditionalFiles item and everything its item metadata says, as plain data.
    /// <see cref="FileLength"/> and <see cref="LastWriteTicks"/> make an edited model file compare unequal,
    /// so the compile step runs again even though path and metadata did not change.
    /// </summary>
    /// <param name="Problems">Errors found in the metadata; a request with any is not compiled.</param>
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
        EquatableArray<CompilerDiagnostic> Problems)
    {
        /// <summary>Manifest resource name of the embedded model; build/MobileViT.Compiler.targets uses the same convention.</summary>
        public string ResourceName => ResourceNames.Prefix + FileName;

        public string HintName => ClassName + ".g.cs";
    }
}
