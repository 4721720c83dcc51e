"""Export MobileViT v1 test models to ONNX (+ reference input/output tensors).

Run with Debian's python (torch 1.13 / onnx 1.12 from apt):

    /usr/bin/python3 models/export_mobilevit_v1.py            # everything
    /usr/bin/python3 models/export_mobilevit_v1.py --no-verify # skip the numpy cross-check (slow for S)

For every exported model this script
  * builds the network with a fixed torch.manual_seed,
  * randomizes every BatchNorm (weight, bias, running_mean, running_var) and
    every LayerNorm affine (weight, bias) so neither is an identity,
  * exports with torch.onnx.export (eval mode, float32),
  * writes a seeded N(0,1) input and PyTorch's output as raw little-endian float32,
  * checks the model with onnx.checker, runs it with the numpy interpreter in
    onnx_numpy_ref.py (and onnxruntime if importable) and compares to PyTorch,
  * writes manifest.json and op_histograms.txt.
"""

import argparse
import collections
import hashlib
import json
import os
import sys

import numpy as np
import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from mobilevit_v1 import MultiHeadSelfAttention, mobilevit_v1  # noqa: E402
import onnx_numpy_ref  # noqa: E402

MODEL_SEED = {"xxs": 1001, "xs": 1002, "s": 1003}
INPUT_NAME, OUTPUT_NAME = "input", "output"

# Files that are NOT committed to git (too large for the 60 MB budget); they are
# regenerated bit-for-bit by this script. Kept in sync with models/.gitignore.
NOT_COMMITTED = {
    "mobilevit_v1_xs_opset17.onnx",
    "mobilevit_v1_s_opset17.onnx",
}

# name, variant, opset, input (N, H, W), patch sizes, export-kind, input/output file stem
JOBS = [
    ("mobilevit_v1_xxs_opset13", "xxs", 13, (1, 256, 256), (2, 2, 2), "default", "mobilevit_v1_xxs"),
    ("mobilevit_v1_xxs_opset17", "xxs", 17, (1, 256, 256), (2, 2, 2), "default", "mobilevit_v1_xxs"),
    ("mobilevit_v1_xs_opset13", "xs", 13, (1, 256, 256), (2, 2, 2), "default", "mobilevit_v1_xs"),
    ("mobilevit_v1_xs_opset17", "xs", 17, (1, 256, 256), (2, 2, 2), "default", "mobilevit_v1_xs"),
    ("mobilevit_v1_s_opset13", "s", 13, (1, 256, 256), (2, 2, 2), "default", "mobilevit_v1_s"),
    ("mobilevit_v1_s_opset17", "s", 17, (1, 256, 256), (2, 2, 2), "default", "mobilevit_v1_s"),
    # BatchNormalization kept in the graph (same weights+input as xxs -> reuses xxs bins)
    ("mobilevit_v1_xxs_bn_opset13", "xxs", 13, (1, 256, 256), (2, 2, 2), "keep_bn", "mobilevit_v1_xxs"),
    # dynamic batch dim "batch"; reference tensors at batch 2
    ("mobilevit_v1_xxs_dynbatch_opset17", "xxs", 17, (2, 256, 256), (2, 2, 2), "dynbatch", "mobilevit_v1_xxs_batch2"),
    # patch sizes (8, 4, 2) ("Config-B" of the paper)
    ("mobilevit_v1_xxs_p842_opset13", "xxs", 13, (1, 256, 256), (8, 4, 2), "default", "mobilevit_v1_xxs_p842"),
    # 224x224: stage-5 map is 7x7 -> bilinear resize to 8x8 and back (Resize nodes)
    ("mobilevit_v1_xxs_224_opset17", "xxs", 17, (1, 224, 224), (2, 2, 2), "default", "mobilevit_v1_xxs_224"),
]

INPUT_SEED = {
    "mobilevit_v1_xxs": 11, "mobilevit_v1_xs": 12, "mobilevit_v1_s": 13,
    "mobilevit_v1_xxs_batch2": 14, "mobilevit_v1_xxs_p842": 15, "mobilevit_v1_xxs_224": 16,
}


CALIB_SEED = 4242
QKV_GAIN = 1.4


def randomize(model: torch.nn.Module) -> None:
    """Make BN / LN / attention non-trivial. Uses the global torch RNG (seeded by the caller).

    With PyTorch's default init plus *arbitrary* BN running stats the signal dies by
    stage 3 and the logits no longer depend on the input at all (measured: output
    difference between two random inputs ~1e-8), which would make the test models
    useless. So:
      * BN weight ~ U(0.5, 1.5), bias ~ N(0, 0.1^2);
      * BN running stats are *calibrated then perturbed*: a forward pre-hook measures
        the per-channel mean/var of the BN input on a seeded N(0,1) calibration batch
        (eval mode, layer by layer) and sets running_var = var * U(0.5, 1.5),
        running_mean = mean + 0.1 * std * N(0, 1);
      * LayerNorm weight ~ U(0.75, 1.25), bias ~ N(0, 0.05^2);
      * attention qkv weight ~ N(0, (QKV_GAIN / sqrt(d))^2) so softmax is far from
        uniform (attention logits std ~ QKV_GAIN^2 ~ 2).
    """
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                c = m.num_features
                m.weight.copy_(torch.empty(c).uniform_(0.5, 1.5))
                m.bias.copy_(torch.randn(c) * 0.1)
            elif isinstance(m, torch.nn.LayerNorm):
                d = m.normalized_shape[0]
                m.weight.copy_(torch.empty(d).uniform_(0.75, 1.25))
                m.bias.copy_(torch.randn(d) * 0.05)
            elif isinstance(m, MultiHeadSelfAttention):
                d = m.qkv.in_features
                m.qkv.weight.normal_(0.0, QKV_GAIN / d ** 0.5)

    def calibrate(mod, inputs):
        x = inputs[0]
        mean = x.mean(dim=(0, 2, 3))
        var = x.var(dim=(0, 2, 3))
        c = mean.numel()
        mod.running_var.copy_(var * torch.empty(c).uniform_(0.5, 1.5))
        mod.running_mean.copy_(mean + 0.1 * var.sqrt() * torch.randn(c))

    model.eval()
    hooks = [m.register_forward_pre_hook(calibrate) for m in bns]
    calib = torch.randn(4, 3, 256, 256, generator=torch.Generator().manual_seed(CALIB_SEED))
    with torch.no_grad():
        model(calib)
    for h in hooks:
        h.remove()
    assert all(bool((m.running_var > 0).all()) for m in bns)


def build(variant: str, patch_sizes) -> torch.nn.Module:
    """Same weights for a variant regardless of patch size / input size: weights are
    generated and calibrated on the default (2,2,2) model, then loaded."""
    torch.manual_seed(MODEL_SEED[variant])
    model = mobilevit_v1(variant)
    randomize(model)
    if tuple(patch_sizes) != (2, 2, 2):
        other = mobilevit_v1(variant, patch_sizes=patch_sizes)
        other.load_state_dict(model.state_dict())
        model = other
    model.eval()
    return model.float()


def make_input(stem: str, shape) -> torch.Tensor:
    g = torch.Generator().manual_seed(INPUT_SEED[stem])
    return torch.randn(*shape, generator=g, dtype=torch.float32)


def write_f32(path: str, t: torch.Tensor) -> None:
    np.ascontiguousarray(t.detach().numpy(), dtype="<f4").tofile(path)


def export_flags(kind: str, opset: int) -> dict:
    flags = dict(
        opset_version=opset,
        input_names=[INPUT_NAME],
        output_names=[OUTPUT_NAME],
        do_constant_folding=True,
        export_params=True,
        training=torch.onnx.TrainingMode.EVAL,
    )
    if kind == "keep_bn":
        # EVAL mode makes the exporter fuse Conv+BN (_jit_pass_onnx_eval_peephole);
        # PRESERVE (with model.eval()) skips that fusion and emits inference-mode
        # BatchNormalization (1 output). do_constant_folding=False alone does NOT keep BN.
        flags["training"] = torch.onnx.TrainingMode.PRESERVE
    if kind == "dynbatch":
        flags["dynamic_axes"] = {INPUT_NAME: {0: "batch"}, OUTPUT_NAME: {0: "batch"}}
    return flags


def flags_for_manifest(flags: dict) -> dict:
    out = {}
    for k, v in flags.items():
        out[k] = str(v) if isinstance(v, torch.onnx.TrainingMode) else v
    return out


def dims_of(vi):
    return [d.dim_param if d.dim_param else d.dim_value for d in vi.type.tensor_type.shape.dim]


def attr_str(node) -> str:
    parts = []
    for a in node.attribute:
        v = onnx.helper.get_attribute_value(a)
        if isinstance(v, bytes):
            v = v.decode()
        elif isinstance(v, onnx.TensorProto):
            arr = onnx.numpy_helper.to_array(v)
            v = f"tensor<{onnx.TensorProto.DataType.Name(v.data_type)}{list(arr.shape)}>" + (
                f"={arr.tolist()}" if arr.size <= 8 else "")
        elif isinstance(v, float):
            v = float(np.float32(v))
        parts.append(f"{a.name}={v}")
    return ", ".join(parts)


def histogram_text(name: str, model: onnx.ModelProto) -> str:
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    lines = [f"=== {name}.onnx"]
    lines.append("opset_import: " + ", ".join(f"{o.domain or 'ai.onnx'}:{o.version}" for o in model.opset_import))
    lines.append(f"ir_version: {model.ir_version}  producer: {model.producer_name} {model.producer_version}")
    for vi in g.input:
        lines.append(f"input  {vi.name}: {onnx.TensorProto.DataType.Name(vi.type.tensor_type.elem_type)} {dims_of(vi)}")
    for vi in g.output:
        lines.append(f"output {vi.name}: {onnx.TensorProto.DataType.Name(vi.type.tensor_type.elem_type)} {dims_of(vi)}")
    lines.append(f"nodes: {len(g.node)}  initializers: {len(g.initializer)}  "
                 f"value_info: {len(g.value_info)}")
    hist = collections.Counter(n.op_type for n in g.node)
    lines.append("op histogram:")
    for op, c in sorted(hist.items()):
        lines.append(f"  {op:<22}{c}")
    lines.append("distinct attribute sets (count x op[attrs] {input kinds}):")
    combos = collections.Counter()
    for n in g.node:
        kinds = []
        for i in n.input:
            if i == "":
                kinds.append("<empty>")
            elif i in inits:
                kinds.append(f"init{list(inits[i].dims)}" if n.op_type not in ("Conv", "Gemm", "MatMul", "Add", "Mul", "Sub", "Div", "LayerNormalization", "BatchNormalization") else "init")
            else:
                kinds.append("x")
        combos[(n.op_type, attr_str(n), " ".join(kinds))] += 1
    for (op, a, k), c in sorted(combos.items()):
        lines.append(f"  {c:4d} x {op}[{a}] {{{k}}}")
    return "\n".join(lines) + "\n"


def verify(model_path: str, x: np.ndarray, y_ref: np.ndarray, do_numpy: bool) -> dict:
    res = {}
    m = onnx.load(model_path)
    onnx.checker.check_model(m)
    onnx.checker.check_model(model_path)  # path form also validates external size limits
    inferred = onnx.shape_inference.infer_shapes(m, check_type=True, strict_mode=True)
    res["checker"] = "ok"
    res["shape_inference_output"] = dims_of(inferred.graph.output[0])
    if do_numpy:
        y = onnx_numpy_ref.run(m, {INPUT_NAME: x})[OUTPUT_NAME]
        res["numpy_ref_max_abs_diff"] = float(np.max(np.abs(y - y_ref)))
    try:
        import onnxruntime as ort  # noqa: F401
        sess = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
        y = sess.run(None, {INPUT_NAME: x})[0]
        res["onnxruntime_max_abs_diff"] = float(np.max(np.abs(y - y_ref)))
    except ImportError:
        res["onnxruntime"] = "not available"
    return res


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-verify", action="store_true", help="skip the numpy interpreter check")
    ap.add_argument("--only", nargs="*", help="export only these model names")
    args = ap.parse_args()

    torch.set_num_threads(max(1, os.cpu_count() or 1))
    manifest_path = os.path.join(HERE, "manifest.json")
    hist_path = os.path.join(HERE, "op_histograms.txt")
    entries, hists = [], []
    written_bins = {}

    for name, variant, opset, (n, h, w), patches, kind, stem in JOBS:
        if args.only and name not in args.only:
            continue
        model = build(variant, patches)
        x = make_input(stem, (n, 3, h, w))
        with torch.no_grad():
            y = model(x)
        assert torch.isfinite(y).all(), name
        assert float(y.std()) > 1e-3, (name, float(y.std()))
        # non-degeneracy: the logits must actually depend on the input
        with torch.no_grad():
            y_other = model(torch.randn(x.shape, generator=torch.Generator().manual_seed(999)))
        sensitivity = float((y - y_other).std() / y.std())
        assert sensitivity > 0.1, (name, sensitivity)

        in_file, out_file = f"{stem}.input.bin", f"{stem}.output.bin"
        if stem in written_bins:
            # shared reference tensors (e.g. xxs opset13/opset17/bn) must be bit-identical
            px, py = written_bins[stem]
            assert torch.equal(px, x) and torch.equal(py, y), f"{name}: reference mismatch for {stem}"
        else:
            write_f32(os.path.join(HERE, in_file), x)
            write_f32(os.path.join(HERE, out_file), y)
            written_bins[stem] = (x, y)

        flags = export_flags(kind, opset)
        onnx_file = f"{name}.onnx"
        onnx_path = os.path.join(HERE, onnx_file)
        torch.onnx.export(model, (x,), onnx_path, **flags)

        m = onnx.load(onnx_path)
        ops = collections.Counter(nd.op_type for nd in m.graph.node)
        if kind == "keep_bn":
            assert ops["BatchNormalization"] > 0, "BatchNormalization was folded away"
        if opset >= 17:
            assert ops["LayerNormalization"] > 0
        hists.append(histogram_text(name, m))

        ver = verify(onnx_path, x.numpy(), y.numpy().astype(np.float64), not args.no_verify)
        if kind == "dynbatch" and not args.no_verify:
            # also run the dynamic model at batch 1 and 3 against PyTorch
            for b in (1, 3):
                xb = make_input(stem, (b, 3, h, w))
                with torch.no_grad():
                    yb = model(xb).numpy().astype(np.float64)
                yo = onnx_numpy_ref.run(m, {INPUT_NAME: xb.numpy()})[OUTPUT_NAME]
                ver[f"numpy_ref_max_abs_diff_batch{b}"] = float(np.max(np.abs(yo - yb)))

        entry = {
            "name": name,
            "file": onnx_file,
            "variant": variant,
            "opset": opset,
            "patch_sizes": list(patches),
            "kind": kind,
            "input_name": INPUT_NAME,
            "output_name": OUTPUT_NAME,
            "input_shape": list(x.shape),
            "output_shape": list(y.shape),
            "onnx_input_shape": dims_of(m.graph.input[0]),
            "onnx_output_shape": dims_of(m.graph.output[0]),
            "input_file": in_file,
            "output_file": out_file,
            "dtype": "float32 little-endian, raw, row-major (NCHW / [N,1000])",
            "output_max_abs": float(y.abs().max()),
            "output_std": float(y.std()),
            "input_sensitivity": sensitivity,
            "param_count": int(sum(p.numel() for p in model.parameters())),
            "onnx_bytes": os.path.getsize(onnx_path),
            "sha256": sha256(onnx_path),
            "op_histogram": dict(sorted(ops.items())),
            "export_flags": flags_for_manifest(flags),
            "verification": ver,
            "committed": onnx_file not in NOT_COMMITTED,
            "input_file_committed": in_file not in NOT_COMMITTED,
        }
        entries.append(entry)
        print(f"{name}: {os.path.getsize(onnx_path)/1e6:.2f} MB, max|y|={entry['output_max_abs']:.4f}, "
              f"std={entry['output_std']:.4f}, sens={sensitivity:.3f}, {ver}", flush=True)

    if not args.only:
        manifest = {
            "generator": "models/export_mobilevit_v1.py",
            "torch_version": torch.__version__,
            "onnx_version": onnx.__version__,
            "notes": [
                "Random weights: torch default init seeded per variant; BatchNorm weight~U(0.5,1.5), "
                "bias~N(0,0.1^2); BN running stats calibrated on a seeded N(0,1) batch then perturbed "
                "(var*U(0.5,1.5), mean+0.1*std*N(0,1)); LayerNorm weight~U(0.75,1.25), bias~N(0,0.05^2); "
                "attention qkv weight~N(0,(1.4/sqrt(d))^2). All models of one variant share weights "
                "(p842 / 224 / bn / dynbatch use the xxs weights).",
                "Inputs ~N(0,1) from torch.Generator seeded per input file. Output files are PyTorch eval() "
                "outputs (float32) for those inputs.",
                "Files with committed=false are not in git (60 MB budget); regenerate with "
                "/usr/bin/python3 models/export_mobilevit_v1.py (deterministic).",
            ],
            "not_committed": sorted(NOT_COMMITTED),
            "models": entries,
        }
        with open(manifest_path, "w") as f:
            json.dump(manifest, f, indent=2)
            f.write("\n")
        with open(hist_path, "w") as f:
            f.write("# Op histograms + distinct attribute sets of every exported model.\n"
                    "# Generated by models/export_mobilevit_v1.py -- do not edit.\n"
                    "# {input kinds}: x = computed tensor, init = initializer (weights), "
                    "init[dims] = small initializer, <empty> = omitted optional input.\n\n")
            f.write("\n".join(hists))


if __name__ == "__main__":
    main()
