using System;
using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Diagnostics;
using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;
using MobileViT.Compiler.Planning;

namespace MobileViT.Compiler.Api
{
    /// <summary>
    /// Read-only view of a compiled model for tools (<c>mvc inspect</c>): the steps after every pass, with their fused
    /// operations, shapes, multiply-accumulates and weight sizes, and the memory plan's arena and peak. Never throws;
    /// problems come back as the same diagnostics <see cref="ModelCompiler"/> reports.
    /// </summary>
    public static class ModelInspector
    {
        private const int BytesPerFloat = 4;

        public static ModelInspection Inspect(byte[] modelBytes, CompileOptions options)
        {
            try
            {
                var graph = CompilationPipeline.BuildGraph(modelBytes, options);
                var plan = MemoryPlanner.Plan(graph);
                return new ModelInspection(Array.Empty<CompilerDiagnostic>(), Summarize(graph, plan));
            }
            catch (CompileError error)
            {
                return new ModelInspection(new[] { error.Diagnostic }, null);
            }
            catch (Exception ex)
            {
                return new ModelInspection(new[] { DiagnosticCatalog.InternalError.Create(options.ModelFileName, ex.GetType().Name + ": " + ex.Message) }, null);
            }
        }

        private static ModelSummary Summarize(Graph graph, MemoryPlan plan)
        {
            var steps = new List<StepSummary>();
            foreach (var node in graph.Nodes)
            {
                steps.Add(new StepSummary(
                    steps.Count,
                    node.DisplayNames,
                    node.SourceNames.ToArray(),
                    node.OpType,
                    StepDescriber.Operation(node),
                    node.Activation.Kind,
                    node.Residual != null,
                    plan.Views.Contains(node),
                    node.Inputs.Where(i => i != null && !i.IsConstant).Select(i => (IReadOnlyList<int>)i!.Shape.ToArray()).ToArray(),
                    node.Outputs.Where(o => o.Consumers.Count > 0 || o.IsGraphOutput).Select(o => (IReadOnlyList<int>)o.Shape.ToArray()).ToArray(),
                    MultiplyAccumulates(node),
                    WeightFloats(node) * BytesPerFloat));
            }
            return new ModelSummary(
                graph.ModelFileName,
                graph.Opset,
                graph.Inputs.Select(t => new TensorSummary(t.Name, t.Shape.ToArray())).ToArray(),
                graph.Outputs.Select(t => new TensorSummary(t.Name, t.Shape.ToArray())).ToArray(),
                steps,
                (long)plan.ArenaLength * BytesPerFloat,
                plan.PeakLiveFloats * BytesPerFloat);
        }

        /// <summary>Multiply-accumulates of convolutions and matrix products; other steps count as zero.</summary>
        private static long MultiplyAccumulates(Node node)
        {
            if (node.Op is Conv && node.Lowering is SpatialGeometry g)
                return (long)g.Batch * g.OutChannels * g.OutHeight * g.OutWidth * (g.InChannels / g.Groups) * g.KernelHeight * g.KernelWidth;
            if (node.Lowering is MatMulLowering m)
                return (long)m.M * m.K * m.N * (m.ConstantB != null ? 1 : Math.Max(1, m.AOffsets.Length));
            if (node.Lowering is AttentionLowering attention)
                return attention.MultiplyAccumulates;
            if (node.Lowering is ConvPairLowering pair)
                return pair.MultiplyAccumulates;
            return 0;
        }

        /// <summary>Floats of constant data the step reads at run time (weights, biases, folded constants).</summary>
        private static long WeightFloats(Node node)
        {
            var constants = new HashSet<ConstantTensor>();
            if (node.Lowering is MatMulLowering m)
            {
                if (m.ConstantB != null) constants.Add(m.ConstantB);
                if (m.Bias != null) constants.Add(m.Bias);
            }
            else
            {
                foreach (var input in node.ReadTensors())
                    if (input.Constant != null && input.Constant.Type == ElementType.Float32) constants.Add(input.Constant);
            }
            return constants.Sum(c => (long)c.Length);
        }
    }

    /// <summary>The result of <see cref="ModelInspector.Inspect"/>: the model, or null when a diagnostic is an error.</summary>
    public sealed class ModelInspection
    {
        public ModelInspection(IReadOnlyList<CompilerDiagnostic> diagnostics, ModelSummary? model)
        {
            Diagnostics = diagnostics;
            Model = model;
        }

        public IReadOnlyList<CompilerDiagnostic> Diagnostics { get; }

        public ModelSummary? Model { get; }
    }

    /// <summary>A compiled model: its inputs and outputs, every step in execution order, and its memory plan.</summary>
    public sealed class ModelSummary
    {
        public ModelSummary(string modelFileName, int opset, IReadOnlyList<TensorSummary> inputs, IReadOnlyList<TensorSummary> outputs,
            IReadOnlyList<StepSummary> steps, long arenaBytes, long peakLiveBytes)
        {
            ModelFileName = modelFileName;
            Opset = opset;
            Inputs = inputs;
            Outputs = outputs;
            Steps = steps;
            ArenaBytes = arenaBytes;
            PeakLiveBytes = peakLiveBytes;
        }

        public string ModelFileName { get; }
        public int Opset { get; }
        public IReadOnlyList<TensorSummary> Inputs { get; }
        public IReadOnlyList<TensorSummary> Outputs { get; }
        public IReadOnlyList<StepSummary> Steps { get; }

        /// <summary>Bytes of scratch memory one Run needs (the generated ScratchLength times 4).</summary>
        public long ArenaBytes { get; }

        /// <summary>The largest sum of simultaneously live run-time tensors, caller's input and output included: a lower bound for the arena.</summary>
        public long PeakLiveBytes { get; }

        public long TotalMultiplyAccumulates => Steps.Sum(s => s.MultiplyAccumulates);

        public long TotalWeightBytes => Steps.Sum(s => s.WeightBytes);
    }

    /// <summary>A graph input or output.</summary>
    public sealed class TensorSummary
    {
        public TensorSummary(string name, IReadOnlyList<int> shape)
        {
            Name = name;
            Shape = shape;
        }

        public string Name { get; }
        public IReadOnlyList<int> Shape { get; }
    }

    /// <summary>One step of the compiled model: one node after the passes, standing for one or more ONNX nodes.</summary>
    public sealed class StepSummary
    {
        public StepSummary(int index, string nodeNames, IReadOnlyList<string> sourceNodes, string opType, string operation, string fusedActivation,
            bool hasResidual, bool isView, IReadOnlyList<IReadOnlyList<int>> inputShapes, IReadOnlyList<IReadOnlyList<int>> outputShapes,
            long multiplyAccumulates, long weightBytes)
        {
            Index = index;
            NodeNames = nodeNames;
            SourceNodes = sourceNodes;
            OpType = opType;
            Operation = operation;
            FusedActivation = fusedActivation;
            HasResidual = hasResidual;
            IsView = isView;
            InputShapes = inputShapes;
            OutputShapes = outputShapes;
            MultiplyAccumulates = multiplyAccumulates;
            WeightBytes = weightBytes;
        }

        public int Index { get; }

        /// <summary>The ONNX node names with their shared prefix written once, e.g. "/stem/{Conv + Sigmoid + Mul}".</summary>
        public string NodeNames { get; }

        /// <summary>Every ONNX node this step stands for, in order.</summary>
        public IReadOnlyList<string> SourceNodes { get; }

        /// <summary>The operator after the passes (e.g. "Conv", "MatMul", "IndexMapping").</summary>
        public string OpType { get; }

        /// <summary>The operation with its fused parts, e.g. "Conv3x3 s2 + SiLU" or "MatMul (packed 64x128 + bias)".</summary>
        public string Operation { get; }

        /// <summary>The activation fused into the step's epilogue; "None" when none.</summary>
        public string FusedActivation { get; }

        public bool HasResidual { get; }

        /// <summary>The step's output is a view of its input's memory: it emits no code.</summary>
        public bool IsView { get; }

        /// <summary>Shapes of the run-time (non-constant) inputs.</summary>
        public IReadOnlyList<IReadOnlyList<int>> InputShapes { get; }

        /// <summary>Shapes of the outputs something reads.</summary>
        public IReadOnlyList<IReadOnlyList<int>> OutputShapes { get; }

        /// <summary>Multiply-accumulates of a convolution or matrix product; zero for other steps.</summary>
        public long MultiplyAccumulates { get; }

        /// <summary>Bytes of float32 constants the step reads (weights and biases after folding).</summary>
        public long WeightBytes { get; }
    }
}
