using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Onnx;

namespace MobileViT.Compiler.Ir
{
    /// <summary>Typed access to a node's ONNX attributes, with defaults.</summary>
    public sealed class Attributes
    {
        private readonly Dictionary<string, OnnxAttribute> _byName = new Dictionary<string, OnnxAttribute>();

        public Attributes(IEnumerable<OnnxAttribute> attributes)
        {
            foreach (var attribute in attributes) _byName[attribute.Name] = attribute;
        }

        public static Attributes Empty => new Attributes(Enumerable.Empty<OnnxAttribute>());

        public bool Has(string name) => _byName.ContainsKey(name);

        public IEnumerable<string> Names => _byName.Keys;

        public long GetInt(string name, long fallback) => _byName.TryGetValue(name, out var a) ? a.Int : fallback;

        public float GetFloat(string name, float fallback) => _byName.TryGetValue(name, out var a) ? a.Float : fallback;

        public string GetString(string name, string fallback) => _byName.TryGetValue(name, out var a) ? a.String : fallback;

        public long[]? GetInts(string name) => _byName.TryGetValue(name, out var a) ? a.Ints.ToArray() : null;

        public float[]? GetFloats(string name) => _byName.TryGetValue(name, out var a) ? a.Floats.ToArray() : null;

        public OnnxTensor? GetTensor(string name) => _byName.TryGetValue(name, out var a) ? a.Tensor : null;

        public OnnxAttribute? Get(string name) => _byName.TryGetValue(name, out var a) ? a : null;
    }
}
