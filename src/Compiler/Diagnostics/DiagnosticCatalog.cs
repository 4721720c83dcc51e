using System.Collections.Generic;

namespace MobileViT.Compiler.Diagnostics
{
    /// <summary>
    /// Every diagnostic the compiler and generator can raise. Argument {0} of each message is the model file.
    /// docs/diagnostics.md describes each one; a test covers each id.
    /// </summary>
    public static class DiagnosticCatalog
    {
        public static readonly DiagnosticDescriptorInfo InternalError = new DiagnosticDescriptorInfo(
            "MVC0001", DiagnosticSeverityLevel.Error, "Internal compiler error",
            "{0}: the model compiler failed unexpectedly while compiling this model ({1}). This is a bug in MobileViT.Compiler; please report it with the model file.",
            "Report the model file and this message. Removing the AdditionalFiles item works around it.");

        public static readonly DiagnosticDescriptorInfo MalformedModel = new DiagnosticDescriptorInfo(
            "MVC0002", DiagnosticSeverityLevel.Error, "Malformed ONNX model",
            "{0}: the file is not a valid ONNX model: {1}. Re-export the model, or check that the file is not truncated or a Git LFS pointer.",
            "The bytes could not be decoded as an ONNX ModelProto. Re-export the model or fetch the real file (not an LFS pointer).");

        public static readonly DiagnosticDescriptorInfo UnsupportedOpset = new DiagnosticDescriptorInfo(
            "MVC0003", DiagnosticSeverityLevel.Error, "Unsupported opset or domain",
            "{0}: {1}. Supported: the default ONNX domain at opsets 11 to 25, and at 7 to 10 for operators whose behaviour there is implemented; re-export with e.g. torch.onnx.export(..., opset_version=17).",
            "Re-export the model with an opset between 11 and 25 and without custom-domain operators.");

        public static readonly DiagnosticDescriptorInfo UnsupportedOperator = new DiagnosticDescriptorInfo(
            "MVC0004", DiagnosticSeverityLevel.Error, "Unsupported operator",
            "{0}: node '{1}' uses operator '{2}', which MobileViT.Compiler does not support. docs/operators.md lists the supported operators.",
            "Replace the operator in the model, or add it to the compiler (docs/adding-an-operator.md).");

        public static readonly DiagnosticDescriptorInfo UnsupportedAttribute = new DiagnosticDescriptorInfo(
            "MVC0005", DiagnosticSeverityLevel.Error, "Unsupported attribute or operator configuration",
            "{0}: node '{1}' ({2}): {3}",
            "Change the attribute in the model to a supported value; docs/operators.md lists the limits of each operator.");

        public static readonly DiagnosticDescriptorInfo ExternalData = new DiagnosticDescriptorInfo(
            "MVC0006", DiagnosticSeverityLevel.Error, "External tensor data",
            "{0}: initializer '{1}' stores its data in '{2}', but {3}. {4}, or save the model with its weights inside it: onnx.save_model(model, path, save_as_external_data=False).",
            "Keep the data file beside the model as it was saved, or re-save the model with all weights inside the .onnx file.");

        public static readonly DiagnosticDescriptorInfo ExternalDataRefused = new DiagnosticDescriptorInfo(
            "MVC0016", DiagnosticSeverityLevel.Error, "External data path refused",
            "{0}: initializer '{1}' stores its data at '{2}', which {3}; it was not read. External data is read only from files in the model's folder or below it. Move the data file there and re-save the model with a relative location, or save it with its weights inside: onnx.save_model(model, path, save_as_external_data=False).",
            "Keep external data files in the model's folder (or below it) with relative locations, no '..', no links.");

        public static readonly DiagnosticDescriptorInfo UnresolvedDimension = new DiagnosticDescriptorInfo(
            "MVC0007", DiagnosticSeverityLevel.Error, "Unresolved symbolic dimension",
            "{0}: input '{1}' has the symbolic dimension '{2}' (axis {3}) and no value for it. Set item metadata InputShape, e.g. <AdditionalFiles Include=\"...\" InputShape=\"{4}\" />.",
            "Give the input a fixed size with the InputShape item metadata.");

        public static readonly DiagnosticDescriptorInfo InvalidInputShape = new DiagnosticDescriptorInfo(
            "MVC0008", DiagnosticSeverityLevel.Error, "Invalid InputShape metadata",
            "{0}: InputShape '{1}' is not usable: {2}. Write the dimensions separated by 'x', e.g. InputShape=\"1x3x256x256\".",
            "Write InputShape as positive integers separated by 'x', one per input axis, matching the model's fixed dimensions.");

        public static readonly DiagnosticDescriptorInfo ShapeError = new DiagnosticDescriptorInfo(
            "MVC0009", DiagnosticSeverityLevel.Error, "Inconsistent shapes",
            "{0}: node '{1}' ({2}): {3}",
            "The model's tensor shapes do not fit together; check the export or the InputShape metadata.");

        public static readonly DiagnosticDescriptorInfo UnsupportedDataType = new DiagnosticDescriptorInfo(
            "MVC0010", DiagnosticSeverityLevel.Error, "Unsupported data type",
            "{0}: tensor '{1}' has element type {2}, which is only supported where it folds to a compile-time constant. Run-time tensors must be float32.",
            "Export the model in float32; integer tensors are supported only for shape arithmetic that folds to constants.");

        public static readonly DiagnosticDescriptorInfo InvalidGraph = new DiagnosticDescriptorInfo(
            "MVC0011", DiagnosticSeverityLevel.Error, "Invalid graph structure",
            "{0}: {1}",
            "The graph refers to tensors that no node produces, or contains a cycle. Re-export the model and check it with onnx.checker.check_model.");

        public static readonly DiagnosticDescriptorInfo ModelFileUnreadable = new DiagnosticDescriptorInfo(
            "MVC0012", DiagnosticSeverityLevel.Error, "Model file cannot be read",
            "{0}: the model file could not be read: {1}.",
            "Check that the AdditionalFiles path exists and is readable.");

        public static readonly DiagnosticDescriptorInfo ResourceLimit = new DiagnosticDescriptorInfo(
            "MVC0013", DiagnosticSeverityLevel.Error, "Model exceeds a resource limit",
            "{0}: {1}",
            "The model declares more memory or nodes than the compiler accepts by default; raise the limit with item metadata if the model is genuine.");

        public static readonly DiagnosticDescriptorInfo InvalidMetadata = new DiagnosticDescriptorInfo(
            "MVC0014", DiagnosticSeverityLevel.Error, "Invalid item metadata",
            "{0}: item metadata {1}=\"{2}\" is not valid: {3}.",
            "ModelName must be a C# identifier and Namespace a dotted C# name.");

        public static readonly DiagnosticDescriptorInfo UnsupportedInput = new DiagnosticDescriptorInfo(
            "MVC0015", DiagnosticSeverityLevel.Error, "Unsupported graph input",
            "{0}: graph input '{1}' {2}. Graph inputs must be float32 tensors with positive sizes.",
            "Re-export the model with a float32 tensor input of fixed, positive size (or set InputShape for symbolic dimensions).");

        public static IReadOnlyList<DiagnosticDescriptorInfo> All { get; } = new[]
        {
            InternalError, MalformedModel, UnsupportedOpset, UnsupportedOperator, UnsupportedAttribute, ExternalData,
            UnresolvedDimension, InvalidInputShape, ShapeError, UnsupportedDataType, InvalidGraph, ModelFileUnreadable,
            ResourceLimit, InvalidMetadata, UnsupportedInput, ExternalDataRefused,
        };
    }
}
