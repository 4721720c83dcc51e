using System;
using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Onnx;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// ONNX Attention (opset 23; what PyTorch writes for F.scaled_dot_product_attention from that opset). It runs as
    /// the graph earlier opsets spell out: Kᵀ, Q·Kᵀ, the scale, softcap, the mask (given, or causal), Softmax, ·V, with
    /// 3-D inputs split into heads and merged after; the attention passes then fuse those steps as they do for any
    /// exporter's (without grouped heads). The internal fused step is <see cref="Attention"/>.
    /// </summary>
    public sealed class ScaledDotProductAttention : OperatorDefinition, IExpandingOperator
    {
        public override string OpType => "Attention";

        public override string Notes => "4-D or 3-D Q, K, V, grouped-query heads; attn_mask float or constant bool; is_causal, scale, softcap; no past key/value, no qk_matmul_output";

        private sealed class Plan
        {
            public int Batch, Heads, KvHeads, Queries, Keys, HeadSize, ValueSize;
            public bool ThreeD;
            public float Scale, Softcap;
            public bool Causal;
        }

        public override void Infer(Node node, InferenceContext context)
        {
            var q = RequireInput(node, 0, context);
            var k = RequireInput(node, 1, context);
            var v = RequireInput(node, 2, context);
            for (int i = 4; i < node.Inputs.Count; i++)
                if (node.Input(i) is Tensor extra && extra.ElementCount > 0)
                    throw context.Unsupported(node, i == 6 ? "nonpad_kv_seqlen" : "past key and value inputs (a key/value cache)");
            for (int o = 1; o < node.Outputs.Count; o++)
                if (node.Outputs[o].Consumers.Count > 0 || node.Outputs[o].IsGraphOutput)
                    throw context.Unsupported(node, o == 3 ? "the qk_matmul_output output" : "the present key and value outputs");
            if (q.Rank != k.Rank || q.Rank != v.Rank || q.Rank != 3 && q.Rank != 4)
                throw context.ShapeError(node, $"Q, K and V have ranks {q.Rank}, {k.Rank}, {v.Rank}; all 3 or all 4");

            var plan = new Plan { ThreeD = q.Rank == 3, Batch = q.Shape[0] };
            int kvHeads;
            if (plan.ThreeD)
            {
                plan.Heads = (int)node.Attributes.GetInt("q_num_heads", 0);
                kvHeads = (int)node.Attributes.GetInt("kv_num_heads", 0);
                if (plan.Heads <= 0 || kvHeads <= 0) throw context.ShapeError(node, "3-D inputs need the q_num_heads and kv_num_heads attributes");
                if (q.Shape[2] % plan.Heads != 0 || k.Shape[2] % kvHeads != 0 || v.Shape[2] % kvHeads != 0)
                    throw context.ShapeError(node, $"hidden sizes {q.Shape[2]}, {k.Shape[2]}, {v.Shape[2]} do not split into {plan.Heads} and {kvHeads} heads");
                plan.Queries = q.Shape[1];
                plan.Keys = k.Shape[1];
                plan.HeadSize = q.Shape[2] / plan.Heads;
                plan.ValueSize = v.Shape[2] / kvHeads;
                if (k.Shape[2] / kvHeads != plan.HeadSize) throw context.ShapeError(node, "Q and K heads differ in size");
            }
            else
            {
                plan.Heads = q.Shape[1];
                kvHeads = k.Shape[1];
                plan.Queries = q.Shape[2];
                plan.Keys = k.Shape[2];
                plan.HeadSize = q.Shape[3];
                plan.ValueSize = v.Shape[3];
                if (k.Shape[3] != plan.HeadSize || v.Shape[1] != kvHeads || v.Shape[2] != plan.Keys)
                    throw context.ShapeError(node, "K and V do not match Q's head size or each other's heads and length");
            }
            if (k.Shape[0] != plan.Batch || v.Shape[0] != plan.Batch) throw context.ShapeError(node, "Q, K and V differ in batch");
            if (plan.ThreeD && v.Shape[1] != plan.Keys) throw context.ShapeError(node, "K and V differ in length");
            if (plan.Heads % kvHeads != 0)
                throw context.ShapeError(node, $"{plan.Heads} query heads do not share {kvHeads} key/value heads evenly");
            plan.KvHeads = kvHeads;
            plan.Scale = node.Attributes.GetFloat("scale", 1f / (float)Math.Sqrt(plan.HeadSize));
            plan.Softcap = node.Attributes.GetFloat("softcap", 0f);
            plan.Causal = node.Attributes.GetInt("is_causal", 0) != 0;
            if (node.Input(3) is Tensor mask && mask.ElementCount > 0)
            {
                if (mask.Type != ElementType.Float32 && mask.Constant == null)
                    throw context.Unsupported(node, "a run-time boolean attn_mask");
                if (mask.Rank > 4) throw context.ShapeError(node, $"attn_mask has rank {mask.Rank}");
            }
            if (q.Type != ElementType.Float32) throw context.Unsupported(node, "inputs other than float32");
            node.Lowering = plan;
            SetOutput(node, 0, plan.ThreeD
                ? new[] { plan.Batch, plan.Queries, plan.Heads * plan.ValueSize }
                : new[] { plan.Batch, plan.Heads, plan.Queries, plan.ValueSize }, ElementType.Float32);
        }

        public override void Emit(Node node, EmitContext context) =>
            throw new InvalidOperationException("Attention runs as the steps Expand makes; it is never emitted itself");

        public IReadOnlyList<Node> Expand(Node node, InferenceContext context)
        {
            var p = (Plan)node.Lowering!;
            foreach (var input in node.Inputs) input?.Consumers.Remove(node);
            var steps = new ExpansionSteps(node);
            var q = Heads(steps, node.Inputs[0]!, p, p.Heads, p.Queries, p.HeadSize);
            var k = Heads(steps, node.Inputs[1]!, p, p.KvHeads, p.Keys, p.HeadSize);
            var v = Heads(steps, node.Inputs[2]!, p, p.KvHeads, p.Keys, p.ValueSize);
            // Query heads that share a key/value head (consecutive ones) are one block of rows against it: Q as
            // [B, kv heads, group·queries, d], its scores seen per query head again for the mask and the softmax.
            int group = p.Heads / p.KvHeads;
            var scores = new[] { p.Batch, p.Heads, p.Queries, p.Keys };
            var grouped = new[] { p.Batch, p.KvHeads, group * p.Queries, p.Keys };
            q = steps.Reshape(q, new[] { p.Batch, p.KvHeads, group * p.Queries, p.HeadSize });

            var kt = steps.Add("Transpose", new[] { k }, new[] { p.Batch, p.KvHeads, p.HeadSize, p.Keys }, OnnxAttribute.Of("perm", new long[] { 0, 1, 3, 2 }));
            var s = steps.Add("MatMul", new[] { q, kt }, grouped);
            s = steps.Add("Mul", new[] { s, steps.FloatConstant("scale", Scalar(p.Scale)) }, grouped);
            s = steps.Reshape(s, scores);
            if (p.Softcap > 0)
            {
                s = steps.Add("Div", new[] { s, steps.FloatConstant("softcap", Scalar(p.Softcap)) }, scores);
                s = steps.Add("Tanh", new[] { s }, scores);
                s = steps.Add("Mul", new[] { s, steps.FloatConstant("softcap", Scalar(p.Softcap)) }, scores);
            }
            // The masks come after softcap, so that a masked score stays -∞ (tanh would bound it).
            if (node.Input(3) is Tensor mask && mask.ElementCount > 0)
                s = steps.Add("Add", new[] { s, mask.Type == ElementType.Float32 ? mask : steps.FloatConstant("mask", Additive(mask.Constant!)) }, scores);
            if (p.Causal)
                s = steps.Add("Add", new[] { s, steps.FloatConstant("causal", CausalMask(p.Queries, p.Keys)) }, scores);
            s = steps.Add("Softmax", new[] { s }, scores, OnnxAttribute.Of("axis", -1));
            s = steps.Reshape(s, grouped);
            var y = steps.Add("MatMul", new[] { s, v }, new[] { p.Batch, p.KvHeads, group * p.Queries, p.ValueSize });
            y = steps.Reshape(y, new[] { p.Batch, p.Heads, p.Queries, p.ValueSize });
            if (p.ThreeD)
            {
                // [B, heads, L, Dv] back to [B, L, heads·Dv].
                y = steps.Add("Transpose", new[] { y }, new[] { p.Batch, p.Queries, p.Heads, p.ValueSize }, OnnxAttribute.Of("perm", new long[] { 0, 2, 1, 3 }));
                y = steps.Reshape(y, new[] { p.Batch, p.Queries, p.Heads * p.ValueSize });
            }
            return steps.Finish(y);
        }

        /// <summary>A 3-D [B, L, heads·d] input as [B, heads, L, d]; a 4-D input as it is.</summary>
        private static Tensor Heads(ExpansionSteps steps, Tensor x, Plan p, int heads, int length, int size)
        {
            if (!p.ThreeD) return x;
            var split = steps.Reshape(x, new[] { p.Batch, length, heads, size });
            return steps.Add("Transpose", new[] { split }, new[] { p.Batch, heads, length, size }, OnnxAttribute.Of("perm", new long[] { 0, 2, 1, 3 }));
        }

        private static ConstantTensor Scalar(float value) => ConstantTensor.FromFloats(new int[0], new[] { value });

        /// <summary>A boolean mask (true: attend) as the additive one: 0 where true, -∞ where false.</summary>
        private static ConstantTensor Additive(ConstantTensor mask) =>
            ConstantTensor.FromFloats(mask.Shape, Enumerable.Range(0, mask.Length).Select(i => mask[i] != 0 ? 0f : float.NegativeInfinity).ToArray());

        /// <summary>Query i sees keys 0..i (the upper-left aligned causal mask of the definition).</summary>
        private static ConstantTensor CausalMask(int queries, int keys)
        {
            var values = new float[queries * keys];
            for (int i = 0; i < queries; i++)
                for (int j = i + 1; j < keys; j++) values[i * keys + j] = float.NegativeInfinity;
            return ConstantTensor.FromFloats(new[] { queries, keys }, values);
        }
    }
}
