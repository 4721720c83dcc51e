"""A small network in the forms older exporters write: PyTorch 1.x at opsets 9 and 10 (opset 9 was torch.onnx.export's
default for years, and the ONNX model zoo's MobileNets are opsets 7 and 10).

What the old opsets change in the graph:
- ReLU6 becomes Clip with min/max attributes (Clip-6), hardswish HardSigmoid and Mul (HardSwish is opset 14);
- tensor slicing becomes Slice with attributes (Slice-1, opsets 7 to 9), F.pad Pad with attributes (Pad-2),
  torch.chunk Split with the split attribute;
- nearest 2x interpolation becomes Upsample-9 (scales input) or Resize-10 (scales input);
- LayerNorm, SiLU and GELU decompose into ReduceMean/Sub/Pow/Sqrt/Div, Sigmoid/Mul and Erf;
- BatchNormalization after an addition stays a node (BatchNormalization-7 and -9).

A third file has the same network at opset 17 with its blocks as model-local functions (ModelProto.functions), the
form export_modules_as_functions and torch.onnx.dynamo_export write.

The blocks are those of the models here: an inverted residual (MobileNetV2/V3), and a MobileViT block (unfold to
patches, a transformer layer with softmax attention, fold, concatenate, fuse). Random weights (seeded), BatchNorm
statistics perturbed; input ~U(-1, 1) at 64 x 64; the output is PyTorch's eval() output for it. Bilinear
interpolation is left out: below opset 11 the exporter writes asymmetric coordinates, not PyTorch's half-pixel ones,
so the file would not compute what PyTorch does (tests cover that form against ONNX Runtime instead).

    apt-get install python3-torch python3-onnx
    /usr/bin/python3 models/export_legacy.py     # writes models/legacy/*.onnx, *.input.bin, *.output.bin
"""
import os
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "legacy")
OPSETS = (9, 10)  # torch 1.13 cannot export the upsampling at 7 or 8 (no shapes there), nor GELU's Erf


def conv_bn(cin, cout, k, stride=1, groups=1):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout))


class InvertedResidual(nn.Module):
    def __init__(self, channels, expansion=4):
        super().__init__()
        hidden = channels * expansion
        self.expand = conv_bn(channels, hidden, 1)
        self.depthwise = conv_bn(hidden, hidden, 3, groups=hidden)
        self.project = conv_bn(hidden, channels, 1)

    def forward(self, x):
        y = F.hardswish(self.expand(x))
        y = F.relu6(self.depthwise(y))
        return x + self.project(y)


class TransformerLayer(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)
        self.scale = dim ** -0.5

    def forward(self, x):                                   # (patches, tokens, dim)
        q, k, v = self.qkv(self.norm1(x)).chunk(3, dim=-1)  # Split with the split attribute
        attention = torch.softmax(torch.matmul(q, k.transpose(1, 2)) * self.scale, dim=-1)
        x = x + self.proj(torch.matmul(attention, v))
        return x + self.fc2(F.gelu(self.fc1(self.norm2(x))))


class MobileViTBlock(nn.Module):
    def __init__(self, channels, dim, patch=2):
        super().__init__()
        self.patch = patch
        self.local = conv_bn(channels, channels, 3)
        self.to_tokens = nn.Conv2d(channels, dim, 1, bias=False)
        self.transformer = TransformerLayer(dim, 2 * dim)
        self.to_channels = conv_bn(dim, channels, 1)
        self.fuse = conv_bn(2 * channels, channels, 3)

    def forward(self, x):
        y = self.to_tokens(F.silu(self.local(x)))
        n, d, h, w = y.shape
        p = self.patch
        # unfold: (n, d, h/p, p, w/p, p) -> (n*p*p, h*w/p^2, d)
        tokens = y.reshape(n, d, h // p, p, w // p, p).permute(0, 3, 5, 2, 4, 1).reshape(n * p * p, h * w // (p * p), d)
        tokens = self.transformer(tokens)
        y = tokens.reshape(n, p, p, h // p, w // p, d).permute(0, 5, 3, 1, 4, 2).reshape(n, d, h, w)
        y = F.silu(self.to_channels(y))
        return F.silu(self.fuse(torch.cat([x, y], dim=1)))


class LegacyNet(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.stem = conv_bn(3, 16, 3, stride=2)
        self.block = InvertedResidual(16)
        self.down = conv_bn(8, 24, 3, stride=2)
        self.vit = MobileViTBlock(24, 32)
        self.after_add = nn.BatchNorm2d(24)
        self.head = nn.Linear(24 + 8, classes)

    def forward(self, x):
        x = F.relu6(self.stem(x))                            # 16 x 32 x 32, Clip
        x = self.block(x)
        narrow = x[:, 4:12]                                  # Slice: channels 4..11
        y = self.vit(F.relu6(self.down(F.pad(narrow, (0, 1, 0, 1)))[:, :, :16, :16]))  # Pad, Slice on two axes: 24 x 16 x 16
        y = self.after_add(y + F.interpolate(F.avg_pool2d(y, 2), size=(16, 16), mode="nearest"))  # Upsample / Resize
        pooled = torch.cat([F.adaptive_avg_pool2d(y, 1), F.adaptive_max_pool2d(narrow, 1)], dim=1).flatten(1)
        return self.head(pooled)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(7)
    model = LegacyNet().eval()
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.running_mean.uniform_(-0.2, 0.2)
            module.running_var.uniform_(0.5, 1.5)
            module.weight.data.uniform_(0.5, 1.5)
            module.bias.data.normal_(0, 0.1)
        if isinstance(module, nn.LayerNorm):
            module.weight.data.uniform_(0.5, 1.5)
            module.bias.data.normal_(0, 0.1)
    x = torch.rand(1, 3, 64, 64, generator=torch.Generator().manual_seed(7)) * 2 - 1
    with torch.no_grad():
        y = model(x)
    x.numpy().astype(np.float32).tofile(os.path.join(OUT, "legacy_net.input.bin"))
    y.numpy().astype(np.float32).tofile(os.path.join(OUT, "legacy_net.output.bin"))
    for opset in OPSETS:
        path = os.path.join(OUT, f"legacy_net_opset{opset}.onnx")
        torch.onnx.export(model, x, path, opset_version=opset, input_names=["input"], output_names=["logits"],
                          do_constant_folding=True)
        print(f"{path}: {os.path.getsize(path):,} bytes, output {tuple(y.shape)}, |y| max {y.abs().max().item():.3g}")
    # Modules as model-local functions (export_modules_as_functions, opset 15+; what torch.onnx.dynamo_export also
    # writes): the inverted residual, the transformer layer, and LayerNorm as a function called inside it.
    path = os.path.join(OUT, "legacy_net_functions_opset17.onnx")
    torch.onnx.export(model, x, path, opset_version=17, input_names=["input"], output_names=["logits"],
                      do_constant_folding=True, export_modules_as_functions={InvertedResidual, TransformerLayer, nn.LayerNorm})
    print(f"{path}: {os.path.getsize(path):,} bytes (modules as functions)")


if __name__ == "__main__":
    main()
