using System.Collections.Generic;
using MobileViT.Compiler.Ops;

namespace MobileViT.Compiler.Ir
{
    /// <summary>
    /// One operation. Starts as an ONNX node; passes rewrite it (fuse BatchNorm, an activation or a residual into it)
    /// and record the ONNX node names it now stands for in <see cref="SourceNames"/>, for the generated comments.
    /// </summary>
    public sealed class Node
    {
        public Node(string name, string opType, OperatorDefinition op, Attributes attributes)
        {
            Name = name;
            OpType = opType;
            Op = op;
            Attributes = attributes;
            SourceNames.Add(name);
        }

        public string Name { get; }

        /// <summary>Position in the graph's execution order; stays valid for ordering comparisons during a pass.</summary>
        public int Index { get; set; }

        /// <summary>Set when a pass removed the node (the graph compacts its list lazily).</summary>
        public bool IsRemoved { get; set; }
        public string OpType { get; set; }
        public OperatorDefinition Op { get; set; }
        public Attributes Attributes { get; }

        /// <summary>Inputs in ONNX order; null for an omitted optional input.</summary>
        public List<Tensor?> Inputs { get; } = new List<Tensor?>();
        public List<Tensor> Outputs { get; } = new List<Tensor>();

        public List<string> SourceNames { get; } = new List<string>();

        /// <summary>Activation applied on the way out (fused by a pass).</summary>
        public FusedActivation Activation { get; set; } = FusedActivation.None;

        /// <summary>Tensor added before the activation (fused residual); null when none.</summary>
        public Tensor? Residual { get; set; }

        /// <summary>Operator-specific data prepared during inference or by passes (geometry, index mappings).</summary>
        public object? Lowering { get; set; }

        public Tensor? Input(int index) => index < Inputs.Count ? Inputs[index] : null;

        /// <summary>Everything the node reads at run time: inputs and the fused residual.</summary>
        public IEnumerable<Tensor> ReadTensors()
        {
            foreach (var input in Inputs)
                if (input != null) yield return input;
            if (Residual != null) yield return Residual;
        }

        /// <summary>The source node names, with a shared path prefix written once: "/a/b/{Conv + Sigmoid + Mul}".</summary>
        public string DisplayNames
        {
            get
            {
                if (SourceNames.Count == 1) return SourceNames[0];
                string prefix = SourceNames[0];
                foreach (var name in SourceNames)
                    while (prefix.Length > 0 && !name.StartsWith(prefix, System.StringComparison.Ordinal)) prefix = prefix.Substring(0, prefix.Length - 1);
                int slash = prefix.LastIndexOf('/');
                if (slash <= 0) return string.Join(" + ", SourceNames);
                prefix = prefix.Substring(0, slash + 1);
                var rest = new List<string>();
                foreach (var name in SourceNames) rest.Add(name.Substring(prefix.Length));
                return prefix + "{" + string.Join(" + ", rest) + "}";
            }
        }

        public override string ToString() => OpType + " '" + Name + "'";
    }

    /// <summary>An elementwise activation fused into the producing kernel's epilogue.</summary>
    public sealed class FusedActivation
    {
        public static readonly FusedActivation None = new FusedActivation("None", 0, 0);

        public FusedActivation(string kind, float alpha, float beta)
        {
            Kind = kind;
            Alpha = alpha;
            Beta = beta;
        }

        /// <summary>A name of MobileViT.Runtime.ActivationKind.</summary>
        public string Kind { get; }
        public float Alpha { get; }
        public float Beta { get; }
        public bool IsNone => Kind == "None";
    }
}
