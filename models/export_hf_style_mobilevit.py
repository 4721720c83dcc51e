"""MobileViT-XXS laid out the way HuggingFace transformers' MobileViT is, to test that exporter's habits.

The architecture is MobileViT v1's (see mobilevit_v1.py); what differs is how the graph comes out of torch.onnx.export:
separate query/key/value Linear layers, the heads split by view + permute(0, 2, 1, 3) and K's transpose(-1, -2)
merged by PyTorch into one Transpose (perm 0, 2, 3, 1), the scores divided by sqrt(head size) after the product,
unfolding by reshape/transpose with the interpolate-when-not-divisible check (at 224 x 224 the last stage's 7 x 7 maps
are resized to 8 x 8 and back), LayerNorm modules and pooling by torch.mean. Weights are random.

    /usr/bin/python3 models/export_hf_style_mobilevit.py    # writes mobilevit_hf_style_xxs_224_opset17.onnx and its .bin files

Use Debian's python (torch 1.13). Output: models/mobilevit_hf_style_xxs_224_opset17.onnx, .input.bin, .output.bin.
"""
import math, os, torch, torch.nn as nn, numpy as np
torch.manual_seed(0)
class ConvLayer(nn.Module):
    def __init__(s, i, o, k, stride=1, groups=1, norm=True, act=True, dilation=1):
        super().__init__()
        pad = int((k - 1) / 2) * dilation
        s.convolution = nn.Conv2d(i, o, k, stride, pad, dilation, groups, bias=False, padding_mode="zeros")
        s.normalization = nn.BatchNorm2d(o, eps=1e-5, momentum=0.1) if norm else None
        s.activation = nn.SiLU() if act else None
    def forward(s, x):
        x = s.convolution(x)
        if s.normalization is not None: x = s.normalization(x)
        if s.activation is not None: x = s.activation(x)
        return x
class InvertedResidual(nn.Module):
    def __init__(s, i, o, stride, dilation=1):
        super().__init__()
        e = int(round(i * 2.0)); e = max(8, int(e + 4) // 8 * 8)
        s.use_residual = stride == 1 and i == o
        s.expand_1x1 = ConvLayer(i, e, 1)
        s.conv_3x3 = ConvLayer(e, e, 3, stride, groups=e, dilation=dilation)
        s.reduce_1x1 = ConvLayer(e, o, 1, act=False)
    def forward(s, x):
        r = x
        x = s.reduce_1x1(s.conv_3x3(s.expand_1x1(x)))
        return r + x if s.use_residual else x
class SelfAttention(nn.Module):
    def __init__(s, h, heads=4):
        super().__init__()
        s.num_attention_heads = heads; s.attention_head_size = int(h / heads); s.all_head_size = heads * s.attention_head_size
        s.query = nn.Linear(h, s.all_head_size, bias=True); s.key = nn.Linear(h, s.all_head_size, bias=True); s.value = nn.Linear(h, s.all_head_size, bias=True)
        s.dropout = nn.Dropout(0.0)
    def t(s, x):
        x = x.view(*(x.size()[:-1] + (s.num_attention_heads, s.attention_head_size)))
        return x.permute(0, 2, 1, 3)
    def forward(s, x):
        q = s.t(s.query(x)); k = s.t(s.key(x)); v = s.t(s.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(s.attention_head_size)
        probs = s.dropout(nn.functional.softmax(scores, dim=-1))
        c = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return c.view(*(c.size()[:-2] + (s.all_head_size,)))
class TransformerLayer(nn.Module):
    def __init__(s, h, inter):
        super().__init__()
        s.attention = SelfAttention(h); s.dense = nn.Linear(h, h)
        s.intermediate = nn.Linear(h, inter); s.act = nn.SiLU(); s.output = nn.Linear(inter, h)
        s.layernorm_before = nn.LayerNorm(h, eps=1e-5); s.layernorm_after = nn.LayerNorm(h, eps=1e-5)
    def forward(s, x):
        x = s.dense(s.attention(s.layernorm_before(x))) + x
        return s.output(s.act(s.intermediate(s.layernorm_after(x)))) + x
class MobileViTLayer(nn.Module):
    def __init__(s, i, o, stride, h, n):
        super().__init__()
        s.patch_width = s.patch_height = 2
        s.downsampling_layer = InvertedResidual(i, o, stride) if stride == 2 else None
        i = o if stride == 2 else i
        s.conv_kxk = ConvLayer(i, i, 3)
        s.conv_1x1 = ConvLayer(i, h, 1, norm=False, act=False)
        s.transformer = nn.ModuleList([TransformerLayer(h, int(h * 2.0)) for _ in range(n)])
        s.layernorm = nn.LayerNorm(h, eps=1e-5)
        s.conv_projection = ConvLayer(h, i, 1)
        s.fusion = ConvLayer(2 * i, i, 3)
    def unfolding(s, f):
        pw, ph = s.patch_width, s.patch_height
        pa = int(pw * ph)
        b, c, oh, ow = f.shape
        nh = int(math.ceil(int(oh) / ph) * ph)  # HF: int(math.ceil(orig_height / patch_height) * patch_height)
        nw = int(math.ceil(int(ow) / pw) * pw)
        interpolate = False
        if nw != ow or nh != oh:
            f = nn.functional.interpolate(f, size=(nh, nw), mode="bilinear", align_corners=False); interpolate = True
        npw = nw // pw; nph = nh // ph; np_ = nph * npw
        p = f.reshape(b * c * nph, ph, npw, pw).transpose(1, 2)
        p = p.reshape(b, c, np_, pa).transpose(1, 3)
        p = p.reshape(b * pa, np_, -1)
        return p, {"orig_size": (oh, ow), "batch_size": b, "channels": c, "interpolate": interpolate, "num_patches": np_, "num_patches_width": npw, "num_patches_height": nph}
    def folding(s, p, info):
        pw, ph = s.patch_width, s.patch_height
        pa = int(pw * ph)
        b, c, np_, nph, npw = info["batch_size"], info["channels"], info["num_patches"], info["num_patches_height"], info["num_patches_width"]
        f = p.contiguous().view(b, pa, np_, -1).transpose(1, 3)
        f = f.reshape(b * c * nph, npw, ph, pw).transpose(1, 2)
        f = f.reshape(b, c, nph * ph, npw * pw)
        if info["interpolate"]:
            f = nn.functional.interpolate(f, size=info["orig_size"], mode="bilinear", align_corners=False)
        return f
    def forward(s, x):
        if s.downsampling_layer is not None: x = s.downsampling_layer(x)
        r = x
        f = s.conv_1x1(s.conv_kxk(x))
        p, info = s.unfolding(f)
        for l in s.transformer: p = l(p)
        p = s.layernorm(p)
        f = s.conv_projection(s.folding(p, info))
        return s.fusion(torch.cat((r, f), dim=1))
class MobileViT(nn.Module):
    def __init__(s, classes=1000):
        super().__init__()
        n = [16, 16, 24, 48, 64, 80, 320]; h = [64, 80, 96]
        s.conv_stem = ConvLayer(3, n[0], 3, stride=2)
        s.layer = nn.ModuleList([
            nn.Sequential(InvertedResidual(n[0], n[1], 1)),
            nn.Sequential(InvertedResidual(n[1], n[2], 2), InvertedResidual(n[2], n[2], 1), InvertedResidual(n[2], n[2], 1)),
            MobileViTLayer(n[2], n[3], 2, h[0], 2), MobileViTLayer(n[3], n[4], 2, h[1], 4), MobileViTLayer(n[4], n[5], 2, h[2], 3)])
        s.conv_1x1_exp = ConvLayer(n[5], n[6], 1)
        s.classifier = nn.Linear(n[6], classes)
    def forward(s, x):
        x = s.conv_stem(x)
        for l in s.layer: x = l(x)
        x = s.conv_1x1_exp(x)
        return s.classifier(torch.mean(x, dim=[-2, -1], keepdim=False))
m = MobileViT().eval()
for mod in m.modules():
    if isinstance(mod, nn.BatchNorm2d):
        mod.running_mean.uniform_(-0.2, 0.2); mod.running_var.uniform_(0.5, 1.5); mod.weight.data.uniform_(0.5, 1.5); mod.bias.data.uniform_(-0.2, 0.2)
here = os.path.dirname(os.path.abspath(__file__))
name = os.path.join(here, 'mobilevit_hf_style_xxs_224')
x = torch.rand(1, 3, 224, 224)
with torch.no_grad():
    y = m(x)
x.numpy().astype('<f4').tofile(name + '.input.bin')
y.numpy().astype('<f4').tofile(name + '.output.bin')
torch.onnx.export(m, x, name + '_opset17.onnx', opset_version=17, input_names=['pixel_values'], output_names=['logits'])
print('exported', name + '_opset17.onnx', tuple(y.shape), float(y.abs().mean()))
