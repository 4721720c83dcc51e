using System;
using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Planning;

namespace MobileViT.Compiler.Emit
{
    /// <summary>
    /// What an operator's Emit needs: C# expressions for its tensors' memory, and a place to declare the static data
    /// (weights, packed weights, geometry, index tables) that the generated class prepares once.
    /// </summary>
    public sealed class EmitContext
    {
        public const string Runtime = "global::MobileViT.Runtime.";

        private readonly MemoryPlan _plan;
        private readonly IReadOnlyList<string> _inputNames;
        private readonly IReadOnlyList<string> _outputNames;
        private readonly Dictionary<ConstantTensor, DataConstant> _constants = new Dictionary<ConstantTensor, DataConstant>();
        private readonly Dictionary<string, string> _intSpans = new Dictionary<string, string>();
        private readonly Dictionary<string, string> _fieldsByDeclaration = new Dictionary<string, string>();
        private readonly Dictionary<string, string> _preparedByDeclaration = new Dictionary<string, string>();

        public EmitContext(MemoryPlan plan, IReadOnlyList<string> inputNames, IReadOnlyList<string> outputNames)
        {
            _plan = plan;
            _inputNames = inputNames;
            _outputNames = outputNames;
        }

        /// <summary>The body of Run.</summary>
        public IndentedWriter Body { get; } = new IndentedWriter();

        internal List<DataConstant> Constants { get; } = new List<DataConstant>();
        internal List<DataField> Fields { get; } = new List<DataField>();
        internal List<DataField> Prepared { get; } = new List<DataField>();
        internal List<KeyValuePair<string, int[]>> IntSpans { get; } = new List<KeyValuePair<string, int[]>>();

        /// <summary>A ReadOnlySpan&lt;float&gt; expression for the tensor's values.</summary>
        public string Read(Tensor tensor)
        {
            if (tensor.Constant != null) return "Data." + ConstantName(tensor.Constant, runTime: true);
            return SpanOf(tensor, write: false);
        }

        /// <summary>A Span&lt;float&gt; expression for the tensor's memory.</summary>
        public string Write(Tensor tensor) => SpanOf(tensor, write: true);

        /// <summary>Floats between the tensor's channel planes when the plan pads them; 0 when they are contiguous.</summary>
        public int ChannelStride(Tensor tensor) =>
            !tensor.IsConstant && _plan.Locations.TryGetValue(tensor, out var location) ? location.ChannelStride : 0;

        /// <summary>Read, or an empty span when the tensor is absent.</summary>
        public string ReadOrEmpty(Tensor? tensor) => tensor == null ? "default" : Read(tensor);

        private string SpanOf(Tensor tensor, bool write)
        {
            if (!_plan.Locations.TryGetValue(tensor, out var location))
                throw new InvalidOperationException("no memory planned for tensor " + tensor.Name);
            string baseName;
            int fullLength;
            switch (location.Kind)
            {
                case LocationKind.Input:
                    if (write) throw new InvalidOperationException("a step writes into graph input " + tensor.Name);
                    baseName = _inputNames[location.Index];
                    fullLength = -1;
                    break;
                case LocationKind.Output:
                    baseName = _outputNames[location.Index];
                    fullLength = -1;
                    break;
                case LocationKind.Arena:
                    return "scratch.Slice(" + CSharpLiteral.Int(location.Offset) + ", " + CSharpLiteral.Int(location.Length) + ")";
                default:
                    throw new InvalidOperationException("unexpected location for " + tensor.Name);
            }
            if (location.Offset == 0 && fullLength < 0 && location.Length == tensor.ElementCount && IsWhole(location))
                return baseName;
            return baseName + ".Slice(" + CSharpLiteral.Int(location.Offset) + ", " + CSharpLiteral.Int(location.Length) + ")";
        }

        private bool IsWhole(TensorLocation location) => location.Offset == 0 && WholeLengths.TryGetValue(location.Kind, out var lengths) && lengths[location.Index] == location.Length;

        internal Dictionary<LocationKind, int[]> WholeLengths { get; } = new Dictionary<LocationKind, int[]>();

        /// <summary>Name of a float constant inside the Data class. <paramref name="runTime"/>: Run reads it (a field), else only preparation does (a local).</summary>
        public string ConstantName(ConstantTensor constant, bool runTime)
        {
            if (!_constants.TryGetValue(constant, out var entry))
            {
                if (constant.Type != ElementType.Float32)
                    throw new InvalidOperationException("integer constants cannot be used at run time");
                if (constant.Source is ComputedWeight computed)
                    foreach (var operand in computed.Operands) ConstantName(operand, runTime: false);
                entry = new DataConstant("C" + Constants.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), constant);
                _constants.Add(constant, entry);
                Constants.Add(entry);
            }
            if (runTime) entry.UsedAtRunTime = true;
            return entry.Name;
        }

        /// <summary>Declares a static readonly field initialized once (before preparation runs); returns "Data.Name".</summary>
        public string StaticField(string type, string initializer, string prefix = "G")
        {
            var key = type + " " + initializer;
            if (_fieldsByDeclaration.TryGetValue(key, out var existing)) return "Data." + existing;
            var name = prefix + Fields.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Fields.Add(new DataField(name, type, initializer));
            _fieldsByDeclaration.Add(key, name);
            return "Data." + name;
        }

        /// <summary>
        /// Declares weights prepared once in the type initializer, e.g. a packed copy for a kernel. The initializer may
        /// name constants from <see cref="ConstantName"/> (with runTime: false) and fields from <see cref="StaticField"/>.
        /// </summary>
        public string PreparedField(string type, string initializer)
        {
            var key = type + " " + initializer;
            if (_preparedByDeclaration.TryGetValue(key, out var existing)) return "Data." + existing;
            var name = "P" + Prepared.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Prepared.Add(new DataField(name, type, initializer));
            _preparedByDeclaration.Add(key, name);
            return "Data." + name;
        }

        /// <summary>A ReadOnlySpan&lt;int&gt; property over constant data (no allocation at run time).</summary>
        public string IntSpan(int[] values)
        {
            var key = CSharpLiteral.IntList(values);
            if (!_intSpans.TryGetValue(key, out var name))
            {
                name = "S" + IntSpans.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                _intSpans.Add(key, name);
                IntSpans.Add(new KeyValuePair<string, int[]>(name, values));
            }
            return "Data." + name;
        }

        /// <summary>A MobileViT.Runtime.Activation expression.</summary>
        public static string Activation(FusedActivation activation)
        {
            if (activation.IsNone) return Runtime + "Activation.None";
            return "new " + Runtime + "Activation(" + Runtime + "ActivationKind." + activation.Kind + ", " +
                   CSharpLiteral.Float(activation.Alpha) + ", " + CSharpLiteral.Float(activation.Beta) + ")";
        }
    }

    internal sealed class DataConstant
    {
        public DataConstant(string name, ConstantTensor constant)
        {
            Name = name;
            Constant = constant;
        }

        public string Name { get; }
        public ConstantTensor Constant { get; }
        public bool UsedAtRunTime { get; set; }
    }

    internal sealed class DataField
    {
        public DataField(string name, string type, string initializer)
        {
            Name = name;
            Type = type;
            Initializer = initializer;
        }

        public string Name { get; }
        public string Type { get; }
        public string Initializer { get; }
    }
}
