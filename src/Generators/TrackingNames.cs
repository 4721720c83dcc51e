namespace MobileViT.Generators
{
    /// <summary>
    /// Names of the tracked pipeline steps of <see cref="OnnxModelGenerator"/>, so tests can check
    /// that a run after an unrelated edit reuses every step (Cached or Unchanged).
    /// </summary>
    public static class TrackingNames
    {
        /// <summary>The .onnx AdditionalFiles.</summary>
        public const string ModelFiles = nameof(ModelFiles);

        /// <summary>Each .onnx file with its item metadata, validated, as a <c>ModelRequest</c>.</summary>
        public const string ModelRequests = nameof(ModelRequests);

        /// <summary>The requests after the check across all of them (no two files with the same name or class).</summary>
        public const string CheckedModelRequests = nameof(CheckedModelRequests);

        /// <summary>Each request compiled: the model file read by path and run through MobileViT.Compiler.</summary>
        public const string CompiledModels = nameof(CompiledModels);

        /// <summary>The generated source of each model that compiled.</summary>
        public const string GeneratedSources = nameof(GeneratedSources);

        /// <summary>The diagnostics of each model, reported from their own output.</summary>
        public const string ModelDiagnostics = nameof(ModelDiagnostics);

        /// <summary>Every tracked step, in pipeline order.</summary>
        public static readonly string[] All =
        {
            ModelFiles, ModelRequests, CheckedModelRequests, CompiledModels, GeneratedSources, ModelDiagnostics,
        };
    }
}
