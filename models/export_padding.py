"""A small network that pads the ways exporters and model zoos do, to test ONNX Pad end to end.

- TensorFlow-style "same" convolutions as timm's Conv2dSame writes them: F.pad with amounts computed from the input
  size (asymmetric for stride 2 on an even size), then a convolution without padding. The compiler folds these zero
  pads into the convolution.
- nn.ZeroPad2d before a convolution (folded too), nn.ReflectionPad2d (mode reflect), nn.ReplicationPad2d (mode edge),
  F.pad with a value of 0.5 (a constant that is not zero), a negative pad (a crop) and a pad of the channel axis
  (ResNet's "option A" shortcut).

Random weights (seeded), BatchNorm statistics perturbed; input ~U(-1, 1) at 64 x 64; output is PyTorch's eval()
output for it. Exported at opsets 11 and 17:

    apt-get install python3-torch python3-onnx
    /usr/bin/python3 models/export_padding.py     # writes models/padding/*.onnx, *.input.bin, *.output.bin
"""
import math
import os
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "padding")


def same_padding(size, kernel, stride, dilation=1):
    return max((math.ceil(size / stride) - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)


class Conv2dSame(nn.Conv2d):
    """timm's Conv2dSame: pad like TensorFlow's 'SAME' (the extra row and column at the bottom and right), then convolve."""

    def forward(self, x):
        ih, iw = x.size()[-2:]
        kh, kw = self.weight.shape[-2:]
        pad_h = same_padding(int(ih), kh, self.stride[0], self.dilation[0])
        pad_w = same_padding(int(iw), kw, self.stride[1], self.dilation[1])
        x = F.pad(x, [pad_w // 2, pad_w - pad_w // 2, pad_h // 2, pad_h - pad_h // 2])
        return F.conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


class PaddingNet(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.stem = Conv2dSame(3, 16, 3, stride=2, bias=False)
        self.stem_bn = nn.BatchNorm2d(16)
        self.depthwise = Conv2dSame(16, 16, 5, stride=2, groups=16)
        self.zero_pad = nn.ZeroPad2d((1, 1, 1, 1))
        self.expand = nn.Conv2d(16, 24, 3)
        self.reflect = nn.ReflectionPad2d(1)
        self.reflect_conv = nn.Conv2d(24, 24, 3)
        self.replicate = nn.ReplicationPad2d((2, 0, 1, 0))
        self.replicate_conv = nn.Conv2d(24, 24, 3, groups=24)
        self.head = nn.Linear(32, classes)

    def forward(self, x):
        x = F.relu6(self.stem_bn(self.stem(x)))              # 3 -> 16, 64 -> 32
        x = F.hardswish(self.depthwise(x))                     # 32 -> 16
        x = F.relu(self.expand(self.zero_pad(x)))              # 16 -> 24
        x = x + self.reflect_conv(self.reflect(x))             # reflect
        x = self.replicate_conv(self.replicate(x))             # edge: 16 x 16 -> 15 x 16
        x = F.pad(x, [1, 1, 1, 1], value=0.5)                 # constant 0.5: 17 x 18
        x = F.max_pool2d(x, 2)                                 # 8 x 9
        x = F.pad(x, [-1, 0, 0, -1])                           # a crop: 7 x 8
        x = F.pad(x, [0, 0, 0, 0, 0, 8])                       # channels 24 -> 32
        return self.head(x.mean((2, 3)))


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(7)
    model = PaddingNet().eval()
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.running_mean.uniform_(-0.2, 0.2)
            module.running_var.uniform_(0.5, 1.5)
            module.weight.data.uniform_(0.5, 1.5)
            module.bias.data.normal_(0, 0.1)
    x = torch.rand(1, 3, 64, 64, generator=torch.Generator().manual_seed(7)) * 2 - 1
    with torch.no_grad():
        y = model(x)
    x.numpy().astype(np.float32).tofile(os.path.join(OUT, "padding_net.input.bin"))
    y.numpy().astype(np.float32).tofile(os.path.join(OUT, "padding_net.output.bin"))
    for opset in (11, 17):
        path = os.path.join(OUT, f"padding_net_opset{opset}.onnx")
        torch.onnx.export(model, x, path, opset_version=opset, input_names=["input"], output_names=["logits"],
                          do_constant_folding=True)
        print(f"{path}: {os.path.getsize(path):,} bytes, logits {tuple(y.shape)}, |y| max {y.abs().max().item():.3g}")


if __name__ == "__main__":
    main()
