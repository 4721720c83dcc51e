namespace MobileViT.Compiler.Api
{
    /// <summary>A file beside the model that holds external initializer data, and the resource the generated code reads it from.</summary>
    public sealed class ExternalDataFile
    {
        public ExternalDataFile(string location, string fullPath, string resourceName)
        {
            Location = location;
            FullPath = fullPath;
            ResourceName = resourceName;
        }

        /// <summary>The location relative to the model's folder, with '/' separators.</summary>
        public string Location { get; }

        public string FullPath { get; }

        /// <summary>The manifest resource name: the model's resource name, '/', the location.</summary>
        public string ResourceName { get; }

        /// <summary>
        /// "MobileViT.Models.Foo.onnx" + "weights/foo.bin" → "MobileViT.Models.Foo.onnx/weights/foo.bin". Must match the
        /// LogicalName in build/MobileViT.Compiler.targets.
        /// </summary>
        public static string ResourceNameFor(string modelResourceName, string location) => modelResourceName + "/" + location;
    }
}
