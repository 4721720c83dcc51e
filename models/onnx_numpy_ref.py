"""Tiny numpy ONNX interpreter, used only to cross-check the exported test models.

Debian's python has no onnxruntime and onnx 1.12 has no onnx.reference, so this
implements just the ops the MobileViT exports contain, straight from the ONNX
operator spec (float64 accumulation, results compared against PyTorch).
"""

import numpy as np
import onnx
from onnx import numpy_helper


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _conv(x, w, b, a):
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    group = a.get("group", 1)
    sh, sw = a.get("strides", [1, 1])
    dh, dw = a.get("dilations", [1, 1])
    pads = a.get("pads", [0, 0, 0, 0])
    assert a.get("auto_pad", b"NOTSET") in (b"NOTSET", "NOTSET")
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (xp.shape[2] - dh * (kh - 1) - 1) // sh + 1
    ow = (xp.shape[3] - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, m, oh, ow), dtype=np.float64)
    mg = m // group
    for g in range(group):
        xg = xp[:, g * cg:(g + 1) * cg]
        wg = w[g * mg:(g + 1) * mg].astype(np.float64)
        for i in range(kh):
            for j in range(kw):
                patch = xg[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh, j * dw:j * dw + sw * (ow - 1) + 1:sw]
                out[:, g * mg:(g + 1) * mg] += np.einsum("nchw,mc->nmhw", patch, wg[:, :, i, j])
    if b is not None:
        out += b.reshape(1, -1, 1, 1)
    return out


def _resize_linear_1d(x, axis, out_size, scale, mode):
    in_size = x.shape[axis]
    o = np.arange(out_size, dtype=np.float64)
    if mode == "half_pixel":
        src = (o + 0.5) / scale - 0.5
    elif mode == "pytorch_half_pixel":
        src = (o + 0.5) / scale - 0.5 if out_size > 1 else np.zeros_like(o)
    elif mode == "align_corners":
        src = o * (in_size - 1) / (out_size - 1) if out_size > 1 else np.zeros_like(o)
    elif mode == "asymmetric":
        src = o / scale
    else:
        raise NotImplementedError(mode)
    src = np.clip(src, 0, in_size - 1)
    i0 = np.floor(src).astype(np.int64)
    i1 = np.minimum(i0 + 1, in_size - 1)
    f = src - i0
    shp = [1] * x.ndim
    shp[axis] = out_size
    f = f.reshape(shp)
    return np.take(x, i0, axis=axis) * (1 - f) + np.take(x, i1, axis=axis) * f


def _resize(x, roi, scales, sizes, a):
    assert a.get("mode", b"nearest") in (b"linear", "linear"), a
    ctm = a.get("coordinate_transformation_mode", b"half_pixel")
    ctm = ctm.decode() if isinstance(ctm, bytes) else ctm
    if sizes is not None and sizes.size:
        sizes = [int(s) for s in sizes]
        scales = [s / i for s, i in zip(sizes, x.shape)]
    else:
        scales = [float(s) for s in scales]
        sizes = [int(np.floor(i * s)) for i, s in zip(x.shape, scales)]
    y = x
    for ax in range(x.ndim):
        if sizes[ax] != x.shape[ax] or scales[ax] != 1.0:
            y = _resize_linear_1d(y, ax, sizes[ax], scales[ax], ctm)
    return y


def run(model, feeds):
    """Evaluate `model` (onnx.ModelProto or path) on dict feeds -> dict of graph outputs (float64)."""
    if isinstance(model, str):
        model = onnx.load(model)
    g = model.graph
    env = {}
    for init in g.initializer:
        env[init.name] = numpy_helper.to_array(init)
    for k, v in feeds.items():
        env[k] = np.asarray(v, dtype=np.float64)
    env[""] = None
    for node in g.node:
        a = _attrs(node)
        ins = [env[i] if i != "" else None for i in node.input]
        op = node.op_type
        if op == "Constant":
            out = numpy_helper.to_array(a["value"])
        elif op == "Identity":
            out = ins[0]
        elif op in ("Add", "Sub", "Mul", "Div", "Pow"):
            x, y = ins
            if op == "Div" and np.issubdtype(np.asarray(x).dtype, np.integer) and np.issubdtype(np.asarray(y).dtype, np.integer):
                out = x // y
            else:
                out = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": np.divide, "Pow": np.power}[op](x, y)
        elif op == "Sqrt":
            out = np.sqrt(ins[0])
        elif op == "Sigmoid":
            out = 1.0 / (1.0 + np.exp(-ins[0]))
        elif op == "Softmax":
            ax = a.get("axis", -1)
            e = np.exp(ins[0] - ins[0].max(axis=ax, keepdims=True))
            out = e / e.sum(axis=ax, keepdims=True)
        elif op == "MatMul":
            out = np.matmul(ins[0], ins[1])
        elif op == "Gemm":
            A, B = ins[0], ins[1]
            if a.get("transA", 0): A = A.T
            if a.get("transB", 0): B = B.T
            out = a.get("alpha", 1.0) * (A @ B)
            if len(ins) > 2 and ins[2] is not None:
                out = out + a.get("beta", 1.0) * ins[2]
        elif op == "Conv":
            out = _conv(ins[0], ins[1], ins[2] if len(ins) > 2 else None, a)
        elif op == "BatchNormalization":
            x, s, b, mean, var = ins
            eps = a.get("epsilon", 1e-5)
            shp = (1, -1) + (1,) * (x.ndim - 2)
            out = (x - mean.reshape(shp)) / np.sqrt(var.reshape(shp) + eps) * s.reshape(shp) + b.reshape(shp)
        elif op == "LayerNormalization":
            x, s = ins[0], ins[1]
            b = ins[2] if len(ins) > 2 else None
            ax = a.get("axis", -1)
            eps = a.get("epsilon", 1e-5)
            axes = tuple(range(ax % x.ndim, x.ndim))
            mu = x.mean(axis=axes, keepdims=True)
            var = ((x - mu) ** 2).mean(axis=axes, keepdims=True)
            out = (x - mu) / np.sqrt(var + eps) * s
            if b is not None:
                out = out + b
        elif op == "ReduceMean":
            axes = tuple(a["axes"]) if "axes" in a else (tuple(ins[1]) if len(ins) > 1 else None)
            out = ins[0].mean(axis=axes, keepdims=bool(a.get("keepdims", 1)))
        elif op == "GlobalAveragePool":
            out = ins[0].mean(axis=tuple(range(2, ins[0].ndim)), keepdims=True)
        elif op == "Flatten":
            ax = a.get("axis", 1)
            out = ins[0].reshape(int(np.prod(ins[0].shape[:ax])), -1)
        elif op == "Reshape":
            shape = [int(s) for s in ins[1]]
            if not a.get("allowzero", 0):
                shape = [ins[0].shape[i] if s == 0 else s for i, s in enumerate(shape)]
            out = ins[0].reshape(shape)
        elif op == "Transpose":
            out = np.transpose(ins[0], a.get("perm"))
        elif op == "Shape":
            out = np.array(ins[0].shape, dtype=np.int64)
            start, end = a.get("start", 0), a.get("end", None)
            out = out[start:end]
        elif op == "Gather":
            out = np.take(ins[0], np.asarray(ins[1]).astype(np.int64), axis=a.get("axis", 0))
        elif op == "Unsqueeze":
            axes = a["axes"] if "axes" in a else [int(v) for v in ins[1]]
            out = ins[0]
            nd = np.ndim(out) + len(axes)
            for ax in sorted(x % nd for x in axes):
                out = np.expand_dims(out, ax)
        elif op == "Squeeze":
            axes = a["axes"] if "axes" in a else [int(v) for v in ins[1]]
            out = np.squeeze(ins[0], axis=tuple(axes))
        elif op == "Concat":
            out = np.concatenate([np.atleast_1d(i) if np.ndim(i) == 0 else i for i in ins], axis=a["axis"])
        elif op == "Slice":
            x, starts, ends = ins[0], ins[1], ins[2]
            axes = ins[3] if len(ins) > 3 and ins[3] is not None else range(len(starts))
            steps = ins[4] if len(ins) > 4 and ins[4] is not None else [1] * len(starts)
            sl = [slice(None)] * x.ndim
            for s, e, ax, st in zip(starts, ends, axes, steps):
                sl[int(ax)] = slice(int(s), int(e) if abs(int(e)) < 2**62 else None, int(st))
            out = x[tuple(sl)]
        elif op == "Cast":
            to = a["to"]
            out = np.asarray(ins[0]).astype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[to])
            if out.dtype == np.float32:
                out = out.astype(np.float64)
        elif op == "Resize":
            x = ins[0]
            roi = ins[1] if len(ins) > 1 else None
            scales = ins[2] if len(ins) > 2 else None
            sizes = ins[3] if len(ins) > 3 else None
            out = _resize(x, roi, scales, sizes, a)
        else:
            raise NotImplementedError(op)
        if isinstance(out, np.ndarray) and out.dtype == np.float32:
            out = out.astype(np.float64)
        assert len(node.output) == 1, node
        env[node.output[0]] = out
    return {o.name: env[o.name] for o in g.output}
