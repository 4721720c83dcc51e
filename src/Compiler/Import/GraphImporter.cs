using System;
using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Api;
using MobileViT.Compiler.Diagnostics;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Onnx;
using MobileViT.Compiler.Ops;

namespace MobileViT.Compiler.Import
{
    /// <summary>
    /// Builds the IR from a decoded ONNX model: checks opsets and domains, fixes input shapes (InputShape metadata for
    /// symbolic dimensions; a symbolic batch is 1 without it), orders nodes topologically and runs every operator's
    /// shape inference, which folds the exporter's shape arithmetic to constants along the way.
    /// </summary>
    public static class GraphImporter
    {
        /// <summary>
        /// Below opset 7, Add, Mul and the other binary operators broadcast by attributes; from 7 to 10 each node is
        /// checked against <see cref="OpsetHistory"/>.
        /// </summary>
        public const int MinOpset = 7;
        /// <summary>
        /// Opsets 22 to 25 only widened type constraints of the operators supported here (bfloat16 in 22, float4e2m1 in
        /// 23, float8e8m0 in 24, 2-bit integers in 25; Cast-25's round_mode applies to float8e8m0 only), so they compile
        /// as 21 does; of the operators they added, Attention and RMSNormalization (23) and Swish (24) are supported,
        /// and RotaryEmbedding and TensorScatter are reported as unsupported. Later opsets are not reviewed.
        /// </summary>
        public const int MaxOpset = 25;
        public static Graph Import(OnnxModel model, byte[] file, string fileName, int[]? inputShape, ResourceLimits? limits = null, ExternalDataStore? externalData = null)
        {
            limits ??= ResourceLimits.Default;
            long maxElements = limits.MaxTensorElements;
            int opset = DefaultOpset(model, fileName);
            FunctionInlining.Apply(model, fileName, opset, ResourceLimits.MaxNodes);
            var onnx = model.Graph;
            if (onnx.Nodes.Count > ResourceLimits.MaxNodes)
                throw new CompileError(DiagnosticCatalog.ResourceLimit.Create(fileName, $"the graph has {onnx.Nodes.Count} nodes (at most {ResourceLimits.MaxNodes})"));
            var graph = new Graph(fileName, opset);
            var decoder = new TensorDecoder(file, fileName, maxElements, externalData);
            var tensors = new Dictionary<string, Tensor>();

            foreach (var initializer in onnx.Initializers)
            {
                var value = decoder.Decode(initializer);
                tensors[initializer.Name] = new Tensor(initializer.Name, value.Type, value.Shape) { Constant = value, OnnxType = initializer.DataType };
            }

            int runtimeInputs = 0;
            foreach (var input in onnx.Inputs)
            {
                if (tensors.ContainsKey(input.Name)) continue; // an initializer listed as an input (IR < 4): a constant
                if (input.ElementType == OnnxDataType.Undefined)
                    throw new CompileError(DiagnosticCatalog.UnsupportedInput.Create(fileName, input.Name, "is not a tensor (sequences, maps and optionals are not supported)"));
                if (input.ElementType != OnnxDataType.Float)
                    throw new CompileError(DiagnosticCatalog.UnsupportedDataType.Create(fileName, input.Name, input.ElementType.ToString()));
                var shape = InputShape(input, fileName, runtimeInputs == 0 ? inputShape : null, maxElements);
                var tensor = new Tensor(input.Name, ElementType.Float32, shape) { IsGraphInput = true };
                tensors[input.Name] = tensor;
                graph.Inputs.Add(tensor);
                runtimeInputs++;
            }
            if (graph.Inputs.Count == 0)
                throw new CompileError(DiagnosticCatalog.InvalidGraph.Create(fileName, "the graph has no run-time input"));

            var context = new InferenceContext(fileName, opset, decoder.Decode);
            foreach (var onnxNode in TopologicalOrder(onnx, tensors.Keys, fileName))
            {
                if (onnxNode.Domain.Length > 0 && onnxNode.Domain != "ai.onnx")
                    throw new CompileError(DiagnosticCatalog.UnsupportedOpset.Create(fileName, $"node '{onnxNode.Name}' ({onnxNode.OpType}) is in domain '{onnxNode.Domain}'"));
                var op = OperatorRegistry.Find(onnxNode.OpType)
                         ?? throw new CompileError(DiagnosticCatalog.UnsupportedOperator.Create(fileName, onnxNode.Name, onnxNode.OpType));
                if (!OpsetHistory.Compiles(onnxNode.OpType, opset))
                    throw new CompileError(DiagnosticCatalog.UnsupportedOpset.Create(fileName,
                        $"node '{onnxNode.Name}' ({onnxNode.OpType}) is at opset {opset}; {onnxNode.OpType} compiles from opset {OpsetHistory.OldestOpset(onnxNode.OpType)} " +
                        "(re-export the model at a later opset)"));
                var node = new Node(onnxNode.Name.Length > 0 ? onnxNode.Name : onnxNode.OpType + "_" + graph.Nodes.Count, onnxNode.OpType, op, new Attributes(onnxNode.Attributes));
                foreach (var name in onnxNode.Inputs)
                {
                    if (name.Length == 0) { node.Inputs.Add(null); continue; }
                    var tensor = tensors[name];
                    node.Inputs.Add(tensor);
                    tensor.Consumers.Add(node);
                }
                foreach (var name in onnxNode.Outputs)
                {
                    var tensor = new Tensor(name.Length > 0 ? name : node.Name + "_unused_" + node.Outputs.Count, ElementType.Float32, new int[0]) { Producer = node };
                    node.Outputs.Add(tensor);
                    if (name.Length > 0)
                    {
                        if (tensors.ContainsKey(name))
                            throw new CompileError(DiagnosticCatalog.InvalidGraph.Create(fileName, $"tensor '{name}' is produced twice (second time by node '{node.Name}')"));
                        tensors[name] = tensor;
                    }
                }
                if (VariadicExpansion.Applies(node)) VariadicExpansion.AddSteps(graph, node, context);
                else graph.Add(node);
            }

            foreach (var output in onnx.Outputs)
            {
                if (!tensors.TryGetValue(output.Name, out var tensor))
                    throw new CompileError(DiagnosticCatalog.InvalidGraph.Create(fileName, $"graph output '{output.Name}' is not produced by any node"));
                tensor.IsGraphOutput = true;
                graph.Outputs.Add(tensor);
            }
            if (graph.Outputs.Count == 0)
                throw new CompileError(DiagnosticCatalog.InvalidGraph.Create(fileName, "the graph has no output"));

            // Consumers and graph outputs are known for every tensor now, so operators can check whether optional outputs are used.
            for (int n = 0; n < graph.Nodes.Count; n++)
            {
                var node = graph.Nodes[n];
                node.Op.Infer(node, context);
                if (node.Op is IExpandingOperator expanding && node.Outputs.Any(o => o.Constant == null))
                {
                    // Its steps take its place and are inferred next, from the same position.
                    graph.Expand(node, expanding.Expand(node, context));
                    n--;
                    continue;
                }
                foreach (var output in node.Outputs)
                {
                    if (output.Constant != null) continue;
                    if (output.ElementCount > maxElements)
                        throw new CompileError(DiagnosticCatalog.ResourceLimit.Create(fileName, $"node '{node.Name}' produces {output.ElementCount} elements (at most {maxElements}; item metadata MaxTensorMegabytes raises the limit)"));
                    if (output.Type != ElementType.Float32 && (output.Consumers.Count > 0 || output.IsGraphOutput))
                        throw new CompileError(DiagnosticCatalog.UnsupportedDataType.Create(fileName, output.Name, output.Type == ElementType.Bool ? "bool" : "integer"));
                }
            }
            foreach (var output in graph.Outputs)
                if (output.Type != ElementType.Float32)
                    throw new CompileError(DiagnosticCatalog.UnsupportedDataType.Create(fileName, output.Name, output.Type == ElementType.Bool ? "bool" : "integer"));
            return graph;
        }

        private static int DefaultOpset(OnnxModel model, string fileName)
        {
            var import = model.OpsetImports.FirstOrDefault(o => o.Domain.Length == 0 || o.Domain == "ai.onnx");
            if (import == null)
                throw new CompileError(DiagnosticCatalog.UnsupportedOpset.Create(fileName, "the model imports no opset of the default ONNX domain"));
            if (import.Version < MinOpset || import.Version > MaxOpset)
                throw new CompileError(DiagnosticCatalog.UnsupportedOpset.Create(fileName, $"the model uses opset {import.Version} of the default domain"));
            return (int)import.Version;
        }

        private static int[] InputShape(OnnxValueInfo input, string fileName, int[]? metadata, long maxElements)
        {
            if (!input.HasShape)
            {
                if (metadata != null) return metadata;
                throw new CompileError(DiagnosticCatalog.UnresolvedDimension.Create(fileName, input.Name, "(unknown rank)", 0, "1x3x256x256"));
            }
            var shape = new int[input.Dims.Count];
            if (metadata != null && metadata.Length != shape.Length)
                throw new CompileError(DiagnosticCatalog.InvalidInputShape.Create(fileName, string.Join("x", metadata), $"input '{input.Name}' has rank {shape.Length}, the metadata gives {metadata.Length} dimensions"));
            for (int i = 0; i < shape.Length; i++)
            {
                var dim = input.Dims[i];
                if (dim.Value.HasValue && dim.Value.Value == 0)
                    throw new CompileError(DiagnosticCatalog.UnsupportedInput.Create(fileName, input.Name, $"has size 0 on axis {i} (empty tensors are not supported)"));
                if (dim.Value.HasValue && dim.Value.Value < 0 && dim.Param == null && metadata == null)
                    throw new CompileError(DiagnosticCatalog.UnsupportedInput.Create(fileName, input.Name, $"has the invalid size {dim.Value.Value} on axis {i}"));
                if (dim.Value.HasValue && dim.Value.Value > 0)
                {
                    if (metadata != null && metadata[i] != dim.Value.Value)
                        throw new CompileError(DiagnosticCatalog.InvalidInputShape.Create(fileName, string.Join("x", metadata), $"axis {i} of input '{input.Name}' is fixed at {dim.Value.Value} in the model"));
                    if (dim.Value.Value > int.MaxValue)
                        throw new CompileError(DiagnosticCatalog.ResourceLimit.Create(fileName, $"input '{input.Name}' axis {i} is {dim.Value.Value}"));
                    shape[i] = (int)dim.Value.Value;
                }
                else if (metadata != null) shape[i] = metadata[i];
                // Exporters mark the batch axis dynamic by habit (torch.onnx.export's dynamic_axes, timm, optimum), and Run
                // takes one image's span: compile a symbolic batch for 1 unless InputShape says otherwise.
                else if (i == 0 && shape.Length >= 2) shape[i] = 1;
                else throw new CompileError(DiagnosticCatalog.UnresolvedDimension.Create(fileName, input.Name, dim.Param ?? "?", i, ExampleShape(input)));
            }
            if (ShapeMath.Product(shape) > maxElements)
                throw new CompileError(DiagnosticCatalog.ResourceLimit.Create(fileName, $"input '{input.Name}' has {ShapeMath.Product(shape)} elements"));
            return shape;
        }

        /// <summary>
        /// An InputShape to suggest: the model's fixed sizes, batch 1, and for an image input's symbolic channels and
        /// spatial axes 3 and 224 (what exporters of these networks trace with).
        /// </summary>
        private static string ExampleShape(OnnxValueInfo input) =>
            string.Join("x", input.Dims.Select((d, axis) =>
                d.Value.HasValue && d.Value > 0 ? d.Value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : input.Dims.Count == 4 && axis == 1 ? "3"
                : input.Dims.Count == 4 && axis >= 2 ? "224"
                : "1"));

        /// <summary>
        /// Kahn's algorithm over tensor names, taking ready nodes in file order (so a sorted graph keeps its order);
        /// O(n log n). Reports dangling inputs and cycles.
        /// </summary>
        private static List<OnnxNode> TopologicalOrder(OnnxGraph graph, IEnumerable<string> available, string fileName)
        {
            var known = new HashSet<string>(available) { "" };
            var producers = new Dictionary<string, int>();
            for (int i = 0; i < graph.Nodes.Count; i++)
                foreach (var output in graph.Nodes[i].Outputs)
                    if (output.Length > 0 && !known.Contains(output)) producers[output] = i;
            var waiting = new int[graph.Nodes.Count];
            var readers = new Dictionary<string, List<int>>();
            var ready = new SortedSet<int>();
            for (int i = 0; i < graph.Nodes.Count; i++)
            {
                foreach (var input in graph.Nodes[i].Inputs.Distinct())
                {
                    if (known.Contains(input)) continue;
                    if (!producers.ContainsKey(input))
                        throw new CompileError(DiagnosticCatalog.InvalidGraph.Create(fileName,
                            $"node '{graph.Nodes[i].Name}' ({graph.Nodes[i].OpType}) reads tensor '{input}', which no node, input or initializer provides"));
                    waiting[i]++;
                    if (!readers.TryGetValue(input, out var list)) readers[input] = list = new List<int>();
                    list.Add(i);
                }
                if (waiting[i] == 0) ready.Add(i);
            }
            var ordered = new List<OnnxNode>(graph.Nodes.Count);
            while (ready.Count > 0)
            {
                int next = ready.Min;
                ready.Remove(next);
                ordered.Add(graph.Nodes[next]);
                foreach (var output in graph.Nodes[next].Outputs)
                {
                    if (output.Length == 0 || !readers.TryGetValue(output, out var list)) continue;
                    readers.Remove(output);
                    foreach (var reader in list)
                        if (--waiting[reader] == 0) ready.Add(reader);
                }
            }
            if (ordered.Count < graph.Nodes.Count)
            {
                int stuck = Array.FindIndex(waiting, w => w > 0);
                var node = graph.Nodes[stuck];
                var missing = node.Inputs.First(i => readers.ContainsKey(i));
                throw new CompileError(DiagnosticCatalog.InvalidGraph.Create(fileName,
                    $"node '{node.Name}' ({node.OpType}) is part of a cycle through tensor '{missing}'"));
            }
            return ordered;
        }
    }
}
