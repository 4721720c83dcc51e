using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Diagnostics;
using MobileViT.Compiler.Onnx;

namespace MobileViT.Compiler.Import
{
    /// <summary>
    /// Replaces each call of a model-local function (ModelProto.functions: what torch.onnx.dynamo_export and
    /// export_modules_as_functions write, one function per module) by the function's nodes, so the compiler sees one
    /// flat graph. Formal inputs and outputs become the call's tensors, the body's own tensors get the call's name as a
    /// prefix, and attributes that refer to the function's attributes take the call's values or the defaults.
    /// </summary>
    public static class FunctionInlining
    {
        private const int MaxDepth = 32;

        public static void Apply(OnnxModel model, string fileName, int opset, int maxNodes)
        {
            if (model.Functions.Count == 0) return;
            var functions = new Dictionary<(string, string, string), OnnxFunction>();
            foreach (var function in model.Functions)
            {
                foreach (var import in function.OpsetImports)
                    if (IsDefault(import.Domain) && import.Version != opset)
                        throw new CompileError(DiagnosticCatalog.UnsupportedOpset.Create(fileName,
                            $"function '{function.Name}' imports opset {import.Version} of the default domain and the model {opset}"));
                functions[(Normalize(function.Domain), function.Name, function.Overload)] = function;
            }
            var inliner = new Inliner(functions, fileName, maxNodes);
            var flat = new List<OnnxNode>();
            foreach (var node in model.Graph.Nodes) inliner.Expand(node, 0, flat);
            model.Graph.Nodes.Clear();
            model.Graph.Nodes.AddRange(flat);
        }

        private static bool IsDefault(string domain) => domain.Length == 0 || domain == "ai.onnx";

        private static string Normalize(string domain) => IsDefault(domain) ? "" : domain;

        private sealed class Inliner
        {
            private readonly Dictionary<(string, string, string), OnnxFunction> _functions;
            private readonly string _fileName;
            private readonly int _maxNodes;
            private readonly HashSet<string> _prefixes = new HashSet<string>();

            public Inliner(Dictionary<(string, string, string), OnnxFunction> functions, string fileName, int maxNodes)
            {
                _functions = functions;
                _fileName = fileName;
                _maxNodes = maxNodes;
            }

            public void Expand(OnnxNode node, int depth, List<OnnxNode> flat)
            {
                if (!_functions.TryGetValue((Normalize(node.Domain), node.OpType, node.Overload), out var function))
                {
                    if (flat.Count >= _maxNodes)
                        throw new CompileError(DiagnosticCatalog.ResourceLimit.Create(_fileName, $"the graph has more than {_maxNodes} nodes once its functions are inlined"));
                    flat.Add(node);
                    return;
                }
                if (depth >= MaxDepth)
                    throw new CompileError(DiagnosticCatalog.InvalidGraph.Create(_fileName, $"node '{node.Name}' calls function '{function.Name}' through more than {MaxDepth} nested calls (a recursive function?)"));
                if (node.Inputs.Count > function.Inputs.Count || node.Outputs.Count > function.Outputs.Count)
                    throw new CompileError(DiagnosticCatalog.InvalidGraph.Create(_fileName,
                        $"node '{node.Name}' passes {node.Inputs.Count} inputs and {node.Outputs.Count} outputs to function '{function.Name}', which has {function.Inputs.Count} and {function.Outputs.Count}"));

                string prefix = UniquePrefix(node.Name.Length > 0 ? node.Name : function.Name);
                var names = new Dictionary<string, string>();
                for (int i = 0; i < function.Inputs.Count; i++) names[function.Inputs[i]] = i < node.Inputs.Count ? node.Inputs[i] : "";
                for (int i = 0; i < function.Outputs.Count; i++) names[function.Outputs[i]] = i < node.Outputs.Count ? node.Outputs[i] : "";
                string Rename(string name) => name.Length == 0 ? "" : names.TryGetValue(name, out var actual) ? actual : prefix + name;

                for (int n = 0; n < function.Nodes.Count; n++)
                {
                    var body = function.Nodes[n];
                    var call = new OnnxNode
                    {
                        Name = prefix + (body.Name.Length > 0 ? body.Name : body.OpType + "_" + n),
                        OpType = body.OpType,
                        Domain = body.Domain,
                        Overload = body.Overload,
                    };
                    call.Inputs.AddRange(body.Inputs.Select(Rename));
                    call.Outputs.AddRange(body.Outputs.Select(Rename));
                    foreach (var attribute in body.Attributes)
                    {
                        if (attribute.RefAttributeName.Length == 0) { call.Attributes.Add(attribute); continue; }
                        // An attribute the call leaves out takes the function's default, or is absent (the operator's default).
                        var value = node.Attributes.FirstOrDefault(a => a.Name == attribute.RefAttributeName)
                                    ?? function.AttributeDefaults.FirstOrDefault(a => a.Name == attribute.RefAttributeName);
                        if (value != null) call.Attributes.Add(Renamed(value, attribute.Name));
                    }
                    Expand(call, depth + 1, flat);
                }
            }

            /// <summary>The call's name and '/', made unique when two calls share a name.</summary>
            private string UniquePrefix(string name)
            {
                string prefix = name + "/";
                for (int k = 2; !_prefixes.Add(prefix); k++) prefix = name + "#" + k + "/";
                return prefix;
            }

            private static OnnxAttribute Renamed(OnnxAttribute value, string name)
            {
                var copy = new OnnxAttribute
                {
                    Name = name, Type = value.Type, Float = value.Float, Int = value.Int, String = value.String, Tensor = value.Tensor,
                    HasGraph = value.HasGraph,
                };
                copy.Floats.AddRange(value.Floats);
                copy.Ints.AddRange(value.Ints);
                copy.Strings.AddRange(value.Strings);
                return copy;
            }
        }
    }
}
