"""Small numpy ONNX interpreter, used only to cross-check the exported family models.

An extended copy of models/onnx_numpy_ref.py. Debian's python has no onnxruntime and onnx 1.12 has
no onnx.reference, so this implements the ops these exports contain straight from the ONNX
operator spec, accumulating in float64. Added here: multi-output nodes (Split), grouped and
depthwise convolution through BLAS, InstanceNormalization, Expand, ReduceSum, Relu, Clip,
HardSigmoid, HardSwish, Erf, Gelu (opset 20), DepthToSpace, Resize with scales, the integer/bool
shape arithmetic of dynamic-shape exports, and reduce ops with axes given as an input (opset 18+).
"""

import math

import numpy as np
import onnx
from onnx import numpy_helper

_erf = np.vectorize(math.erf, otypes=[np.float64])


def _attrs(node):
    out = {}
    for a in node.attribute:
        v = onnx.helper.get_attribute_value(a)
        out[a.name] = v.decode() if isinstance(v, bytes) else v
    return out


def _conv(x, w, b, a):
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    group = a.get("group", 1)
    sh, sw = a.get("strides", [1, 1])
    dh, dw = a.get("dilations", [1, 1])
    pads = a.get("pads", [0, 0, 0, 0])
    assert a.get("auto_pad", "NOTSET") == "NOTSET"
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (xp.shape[2] - dh * (kh - 1) - 1) // sh + 1
    ow = (xp.shape[3] - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, m, oh, ow), dtype=np.float64)
    w = w.astype(np.float64)
    mg = m // group
    depthwise = cg == 1 and mg == 1
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh, j * dw:j * dw + sw * (ow - 1) + 1:sw]
            if depthwise:
                out += patch * w[:, 0, i, j].reshape(1, -1, 1, 1)
            elif group == 1:
                out += np.tensordot(patch, w[:, :, i, j], axes=([1], [1])).transpose(0, 3, 1, 2)
            else:
                for g in range(group):
                    pg = patch[:, g * cg:(g + 1) * cg]
                    wg = w[g * mg:(g + 1) * mg, :, i, j]
                    out[:, g * mg:(g + 1) * mg] += np.tensordot(pg, wg, axes=([1], [1])).transpose(0, 3, 1, 2)
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
    assert a.get("mode", "nearest") == "linear", a
    assert not a.get("antialias", 0)
    ctm = a.get("coordinate_transformation_mode", "half_pixel")
    if sizes is not None and np.size(sizes):
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


def _reduce_axes(a, ins, ndim):
    if "axes" in a:
        axes = a["axes"]
    elif len(ins) > 1 and ins[1] is not None and np.size(ins[1]):
        axes = [int(v) for v in ins[1]]
    else:
        if a.get("noop_with_empty_axes", 0):
            return None
        axes = list(range(ndim))
    return tuple(int(v) % ndim for v in axes)


_BINARY = {
    "Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Pow": np.power,
    "Equal": np.equal, "Less": np.less, "Greater": np.greater, "LessOrEqual": np.less_equal,
    "GreaterOrEqual": np.greater_equal, "And": np.logical_and, "Or": np.logical_or, "Xor": np.logical_xor,
    "Max": np.maximum, "Min": np.minimum,
}


def _eval(op, a, ins, node):
    if op == "Constant":
        return [numpy_helper.to_array(a["value"])]
    if op == "Identity":
        return [ins[0]]
    if op in _BINARY:
        return [_BINARY[op](ins[0], ins[1])]
    if op == "Div":
        x, y = ins
        if np.issubdtype(np.asarray(x).dtype, np.integer) and np.issubdtype(np.asarray(y).dtype, np.integer):
            q = np.abs(x) // np.abs(y)  # ONNX integer Div truncates toward zero
            return [(q * np.sign(x) * np.sign(y)).astype(np.asarray(x).dtype)]
        return [np.divide(x, y)]
    if op == "Not":
        return [np.logical_not(ins[0])]
    if op == "Where":
        return [np.where(ins[0], ins[1], ins[2])]
    if op == "Sqrt":
        return [np.sqrt(ins[0])]
    if op == "Floor":
        return [np.floor(ins[0])]
    if op == "Ceil":
        return [np.ceil(ins[0])]
    if op == "Neg":
        return [np.negative(ins[0])]
    if op == "Mod":
        assert not a.get("fmod", 0)
        return [np.mod(ins[0], ins[1])]
    if op == "Sigmoid":
        return [1.0 / (1.0 + np.exp(-ins[0]))]
    if op == "Relu":
        return [np.maximum(ins[0], 0)]
    if op == "Clip":
        lo = ins[1] if len(ins) > 1 and ins[1] is not None else a.get("min", -np.inf)
        hi = ins[2] if len(ins) > 2 and ins[2] is not None else a.get("max", np.inf)
        return [np.clip(ins[0], lo, hi)]
    if op == "HardSigmoid":
        return [np.clip(a.get("alpha", 0.2) * ins[0] + a.get("beta", 0.5), 0, 1)]
    if op == "HardSwish":
        return [ins[0] * np.clip(ins[0] / 6.0 + 0.5, 0, 1)]
    if op == "Erf":
        return [_erf(ins[0])]
    if op == "Gelu":
        x = ins[0]
        if a.get("approximate", "none") == "tanh":
            return [0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))]
        return [0.5 * x * (1 + _erf(x / math.sqrt(2)))]
    if op == "Softmax":
        ax = a.get("axis", -1)
        e = np.exp(ins[0] - ins[0].max(axis=ax, keepdims=True))
        return [e / e.sum(axis=ax, keepdims=True)]
    if op == "MatMul":
        return [np.matmul(ins[0], ins[1])]
    if op == "Gemm":
        A, B = ins[0], ins[1]
        if a.get("transA", 0):
            A = A.T
        if a.get("transB", 0):
            B = B.T
        out = a.get("alpha", 1.0) * (A @ B)
        if len(ins) > 2 and ins[2] is not None:
            out = out + a.get("beta", 1.0) * ins[2]
        return [out]
    if op == "Conv":
        return [_conv(ins[0], ins[1], ins[2] if len(ins) > 2 else None, a)]
    if op == "BatchNormalization":
        assert len(node.output) == 1 and not a.get("training_mode", 0)
        x, s, b, mean, var = ins
        eps = a.get("epsilon", 1e-5)
        shp = (1, -1) + (1,) * (x.ndim - 2)
        return [(x - mean.reshape(shp)) / np.sqrt(var.reshape(shp) + eps) * s.reshape(shp) + b.reshape(shp)]
    if op == "InstanceNormalization":
        x, s, b = ins
        eps = a.get("epsilon", 1e-5)
        axes = tuple(range(2, x.ndim))
        mu = x.mean(axis=axes, keepdims=True)
        var = ((x - mu) ** 2).mean(axis=axes, keepdims=True)
        shp = (1, -1) + (1,) * (x.ndim - 2)
        return [(x - mu) / np.sqrt(var + eps) * s.reshape(shp) + b.reshape(shp)]
    if op == "LayerNormalization":
        x, s = ins[0], ins[1]
        b = ins[2] if len(ins) > 2 else None
        ax = a.get("axis", -1)
        eps = a.get("epsilon", 1e-5)
        axes = tuple(range(ax % x.ndim, x.ndim))
        mu = x.mean(axis=axes, keepdims=True)
        var = ((x - mu) ** 2).mean(axis=axes, keepdims=True)
        out = (x - mu) / np.sqrt(var + eps) * s
        return [out + b if b is not None else out]
    if op in ("ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin"):
        axes = _reduce_axes(a, ins, ins[0].ndim)
        if axes is None:
            return [ins[0]]
        f = {"ReduceMean": np.mean, "ReduceSum": np.sum, "ReduceMax": np.max, "ReduceMin": np.min}[op]
        return [f(ins[0], axis=axes, keepdims=bool(a.get("keepdims", 1)))]
    if op == "GlobalAveragePool":
        return [ins[0].mean(axis=tuple(range(2, ins[0].ndim)), keepdims=True)]
    if op == "Flatten":
        ax = a.get("axis", 1)
        return [ins[0].reshape(int(np.prod(ins[0].shape[:ax])), -1)]
    if op == "Reshape":
        shape = [int(s) for s in ins[1]]
        if not a.get("allowzero", 0):
            shape = [ins[0].shape[i] if s == 0 else s for i, s in enumerate(shape)]
        return [ins[0].reshape(shape)]
    if op == "Transpose":
        return [np.transpose(ins[0], a.get("perm"))]
    if op == "Expand":
        shape = [int(s) for s in ins[1]]
        return [ins[0] * np.ones(shape, dtype=np.asarray(ins[0]).dtype)]
    if op == "Shape":
        out = np.array(np.shape(ins[0]), dtype=np.int64)
        return [out[a.get("start", 0):a.get("end", None)]]
    if op == "Gather":
        return [np.take(ins[0], np.asarray(ins[1]).astype(np.int64), axis=a.get("axis", 0))]
    if op == "Unsqueeze":
        axes = a["axes"] if "axes" in a else [int(v) for v in ins[1]]
        out = ins[0]
        nd = np.ndim(out) + len(axes)
        for ax in sorted(v % nd for v in axes):
            out = np.expand_dims(out, ax)
        return [out]
    if op == "Squeeze":
        axes = a["axes"] if "axes" in a else [int(v) for v in ins[1]]
        return [np.squeeze(ins[0], axis=tuple(axes))]
    if op == "Concat":
        return [np.concatenate([np.atleast_1d(i) if np.ndim(i) == 0 else i for i in ins], axis=a["axis"])]
    if op == "Split":
        x = ins[0]
        ax = a.get("axis", 0) % x.ndim
        if len(ins) > 1 and ins[1] is not None:
            sizes = [int(s) for s in ins[1]]
        elif "split" in a:
            sizes = list(a["split"])
        else:
            k = len(node.output)
            sizes = [-(-x.shape[ax] // k)] * k
            sizes[-1] = x.shape[ax] - sum(sizes[:-1])
        return np.split(x, np.cumsum(sizes)[:-1], axis=ax)
    if op == "Slice":
        x, starts, ends = ins[0], ins[1], ins[2]
        axes = ins[3] if len(ins) > 3 and ins[3] is not None else range(len(starts))
        steps = ins[4] if len(ins) > 4 and ins[4] is not None else [1] * len(starts)
        sl = [slice(None)] * x.ndim
        for s, e, ax, st in zip(starts, ends, axes, steps):
            sl[int(ax)] = slice(int(s), int(e) if abs(int(e)) < 2 ** 62 else None, int(st))
        return [x[tuple(sl)]]
    if op == "Cast":
        out = np.asarray(ins[0]).astype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[a["to"]])
        return [out.astype(np.float64) if out.dtype == np.float32 else out]
    if op == "Resize":
        roi = ins[1] if len(ins) > 1 else None
        scales = ins[2] if len(ins) > 2 else None
        sizes = ins[3] if len(ins) > 3 else None
        return [_resize(ins[0], roi, scales, sizes, a)]
    if op == "DepthToSpace":
        x = ins[0]
        bs = a["blocksize"]
        n, c, h, w = x.shape
        if a.get("mode", "DCR") == "DCR":
            y = x.reshape(n, bs, bs, c // (bs * bs), h, w).transpose(0, 3, 4, 1, 5, 2)
        else:  # CRD
            y = x.reshape(n, c // (bs * bs), bs, bs, h, w).transpose(0, 1, 4, 2, 5, 3)
        return [y.reshape(n, c // (bs * bs), h * bs, w * bs)]
    if op == "ConstantOfShape":
        v = numpy_helper.to_array(a["value"]) if "value" in a else np.zeros(1, dtype=np.float32)
        return [np.full([int(s) for s in ins[0]], v.reshape(-1)[0], dtype=v.dtype)]
    if op == "Range":
        return [np.arange(ins[0], ins[1], ins[2])]
    raise NotImplementedError(op)


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
    for node in g.node:
        ins = [env[i] if i != "" else None for i in node.input]
        outs = _eval(node.op_type, _attrs(node), ins, node)
        assert len(outs) == len(node.output), node
        for name, val in zip(node.output, outs):
            if isinstance(val, np.ndarray) and val.dtype == np.float32:
                val = val.astype(np.float64)
            env[name] = val
    return {o.name: env[o.name] for o in g.output}
