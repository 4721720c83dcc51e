namespace MobileViT.Generators
{
    /// <summary>How embedded models are named in the consumer assembly.</summary>
    internal static class ResourceNames
    {
        /// <summary>
        /// A model "Foo.onnx" is embedded as "MobileViT.Models.Foo.onnx". Must match the LogicalName in
        /// build/MobileViT.Compiler.targets.
        /// </summary>
        public const string Prefix = "MobileViT.Models.";
    }
}
