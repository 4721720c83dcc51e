using System;
using MobileViT.Compiler.Diagnostics;

namespace MobileViT.Compiler.Api
{
    /// <summary>Entry point: ONNX bytes in, C# source and diagnostics out. Never throws.</summary>
    public static class ModelCompiler
    {
        public const string ToolName = "MobileViT.Compiler";

        public static string ToolVersion => typeof(ModelCompiler).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

        public static CompileResult Compile(byte[] modelBytes, CompileOptions options)
        {
            try
            {
                return CompilationPipeline.Run(modelBytes, options);
            }
            catch (Exception ex)
            {
                return new CompileResult(null, new[]
                {
                    DiagnosticCatalog.InternalError.Create(options.ModelFileName, ex.GetType().Name + ": " + ex.Message),
                });
            }
        }
    }
}
