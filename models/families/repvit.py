"""RepViT (Wang et al., CVPR 2024): MobileNetV3-L "modernized" with lightweight-ViT design choices.

Written from the paper and the configurations of the official repository (THU-MIG/RepViT).

  stem      3x3 s2 conv-BN, GELU, 3x3 s2 conv-BN                  -> C0 @56 (224 input)
  blocks    RepViT blocks, stage ratio e.g. 2:2:14:2 (M0.9); each stage after the first starts
            with a downsampling block
  head      global average pool -> flatten -> BatchNorm1d -> Linear  (BN_Linear; no distillation head)

RepViT block, stride 1 (MetaFormer layout):
  token mixer    RepVGGDW (structural re-parameterization) -> optional squeeze-excite
  channel mixer  x + conv1x1-BN( GELU( conv1x1-BN(x) ) )   expansion 2
RepViT block, stride 2 (downsampling):
  token mixer    3x3 s2 depthwise conv-BN -> optional SE -> 1x1 conv-BN (channel change)
  channel mixer  as above

RepVGGDW (training form, official repository):  BN( DW3x3-BN(x) + DW1x1(x) + x )
  - the 1x1 branch is a depthwise conv with bias, the identity branch is x itself,
    and one BatchNorm follows the sum.
Deployed form (`fuse_repvit`, the repository's replace_batchnorm): every Conv-BN pair is folded
into one Conv, RepVGGDW collapses to one depthwise 3x3 conv with bias, BN_Linear to one Linear.

Squeeze-excite placement: after the depthwise token mixer (the paper moves SE up from the
channel mixer), in every other stride-1 block (cfg column `se`). SE = timm SEModule:
mean over H,W -> 1x1 conv (rd = make_divisible(C/4, 8)) -> ReLU -> 1x1 conv -> Sigmoid -> x * gate.
"""

from typing import List, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor


def make_divisible(v: float, divisor: int = 8, min_value: int = None, round_limit: float = 0.9) -> int:
    min_value = min_value or divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < round_limit * v:
        new_v += divisor
    return new_v


class ConvBN(nn.Sequential):
    def __init__(self, cin: int, cout: int, k: int = 1, stride: int = 1, pad: int = 0, groups: int = 1):
        super().__init__()
        self.add_module("c", nn.Conv2d(cin, cout, k, stride, pad, groups=groups, bias=False))
        self.add_module("bn", nn.BatchNorm2d(cout))

    @torch.no_grad()
    def fuse(self) -> nn.Conv2d:
        c, bn = self.c, self.bn
        scale = bn.weight / (bn.running_var + bn.eps) ** 0.5
        m = nn.Conv2d(c.in_channels, c.out_channels, c.kernel_size, c.stride, c.padding,
                      groups=c.groups, bias=True)
        m.weight.copy_(c.weight * scale[:, None, None, None])
        m.bias.copy_(bn.bias - bn.running_mean * scale)
        return m


class SqueezeExcite(nn.Module):
    def __init__(self, channels: int, rd_ratio: float = 0.25):
        super().__init__()
        rd = make_divisible(channels * rd_ratio, 8, round_limit=0.0)
        self.fc1 = nn.Conv2d(channels, rd, 1, bias=True)
        self.act = nn.ReLU()
        self.fc2 = nn.Conv2d(rd, channels, 1, bias=True)
        self.gate = nn.Sigmoid()

    def forward(self, x: Tensor) -> Tensor:
        s = x.mean((2, 3), keepdim=True)
        s = self.fc2(self.act(self.fc1(s)))
        return x * self.gate(s)


class RepVGGDW(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.conv = ConvBN(dim, dim, 3, 1, 1, groups=dim)
        self.conv1 = nn.Conv2d(dim, dim, 1, 1, 0, groups=dim, bias=True)
        self.bn = nn.BatchNorm2d(dim)

    def forward(self, x: Tensor) -> Tensor:
        return self.bn((self.conv(x) + self.conv1(x)) + x)

    @torch.no_grad()
    def fuse(self) -> nn.Conv2d:
        conv = self.conv.fuse()
        w = conv.weight + F.pad(self.conv1.weight, [1, 1, 1, 1])
        w = w + F.pad(torch.ones_like(self.conv1.weight), [1, 1, 1, 1])  # identity
        b = conv.bias + self.conv1.bias
        bn = self.bn
        scale = bn.weight / (bn.running_var + bn.eps) ** 0.5
        conv.weight.copy_(w * scale[:, None, None, None])
        conv.bias.copy_(bn.bias + (b - bn.running_mean) * scale)
        return conv


class Residual(nn.Module):
    def __init__(self, m: nn.Module):
        super().__init__()
        self.m = m

    def forward(self, x: Tensor) -> Tensor:
        return x + self.m(x)


class RepViTBlock(nn.Module):
    def __init__(self, inp: int, hidden: int, oup: int, k: int, stride: int, use_se: bool):
        super().__init__()
        assert hidden == 2 * inp
        if stride == 2:
            self.token_mixer = nn.Sequential(
                ConvBN(inp, inp, k, stride, (k - 1) // 2, groups=inp),
                SqueezeExcite(inp) if use_se else nn.Identity(),
                ConvBN(inp, oup, 1),
            )
            self.channel_mixer = Residual(nn.Sequential(ConvBN(oup, 2 * oup), nn.GELU(), ConvBN(2 * oup, oup)))
        else:
            assert inp == oup
            self.token_mixer = nn.Sequential(RepVGGDW(inp), SqueezeExcite(inp) if use_se else nn.Identity())
            self.channel_mixer = Residual(nn.Sequential(ConvBN(inp, hidden), nn.GELU(), ConvBN(hidden, oup)))

    def forward(self, x: Tensor) -> Tensor:
        return self.channel_mixer(self.token_mixer(x))


class BNLinear(nn.Sequential):
    def __init__(self, a: int, b: int):
        super().__init__()
        self.add_module("bn", nn.BatchNorm1d(a))
        self.add_module("l", nn.Linear(a, b))

    @torch.no_grad()
    def fuse(self) -> nn.Linear:
        bn, l = self.bn, self.l
        scale = bn.weight / (bn.running_var + bn.eps) ** 0.5
        shift = bn.bias - bn.running_mean * scale
        m = nn.Linear(l.in_features, l.out_features)
        m.weight.copy_(l.weight * scale[None, :])
        m.bias.copy_(l.weight @ shift + l.bias)
        return m


class RepViT(nn.Module):
    def __init__(self, cfgs: Sequence[Sequence[int]], num_classes: int = 1000):
        super().__init__()
        c0 = cfgs[0][2]
        layers: List[nn.Module] = [nn.Sequential(ConvBN(3, c0 // 2, 3, 2, 1), nn.GELU(), ConvBN(c0 // 2, c0, 3, 2, 1))]
        cin = c0
        for k, t, c, use_se, _use_hs, s in cfgs:
            cout = make_divisible(c, 8)
            hidden = make_divisible(cin * t, 8)
            layers.append(RepViTBlock(cin, hidden, cout, k, s, bool(use_se)))
            cin = cout
        self.features = nn.ModuleList(layers)
        self.classifier = BNLinear(cin, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        for f in self.features:
            x = f(x)
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.classifier(x)


def fuse_repvit(net: nn.Module) -> nn.Module:
    """The repository's replace_batchnorm: fold every Conv-BN / RepVGGDW / BN_Linear in place."""
    for name, child in net.named_children():
        if hasattr(child, "fuse"):
            setattr(net, name, child.fuse())
        elif isinstance(child, nn.BatchNorm2d):
            setattr(net, name, nn.Identity())
        else:
            fuse_repvit(child)
    return net


def _stage(c: int, n: int, first_stride: int, se_pattern: str) -> List[List[int]]:
    """n blocks of width c; se_pattern[i] == '1' puts SE in block i. HS column unused (always GELU)."""
    assert len(se_pattern) == n
    return [[3, 2, c, int(se_pattern[i]), 0, first_stride if i == 0 else 1] for i in range(n)]


# Stage layouts of the official configs (SE column per block).
CONFIGS = {
    "m0_9": _stage(48, 3, 1, "100") + _stage(96, 4, 2, "0100") + _stage(192, 16, 2, "0" + "10" * 7 + "0")
            + _stage(384, 3, 2, "010"),
    "m1_0": _stage(56, 3, 1, "100") + _stage(112, 4, 2, "0100") + _stage(224, 16, 2, "0" + "10" * 7 + "0")
            + _stage(448, 3, 2, "010"),
    "m1_1": _stage(64, 3, 1, "100") + _stage(128, 4, 2, "0100") + _stage(256, 14, 2, "0" + "10" * 6 + "0")
            + _stage(512, 3, 2, "010"),
    "m1_5": _stage(64, 5, 1, "10100") + _stage(128, 6, 2, "010100") + _stage(256, 26, 2, "0" + "10" * 12 + "0")
            + _stage(512, 5, 2, "01010"),
    "m2_3": _stage(80, 7, 1, "1010100") + _stage(160, 8, 2, "01010100") + _stage(320, 36, 2, "0" + "10" * 17 + "0")
            + _stage(640, 3, 2, "010"),
}


def repvit(variant: str, num_classes: int = 1000) -> RepViT:
    return RepViT(CONFIGS[variant], num_classes=num_classes)


if __name__ == "__main__":
    for v in CONFIGS:
        m = repvit(v).eval()
        n = sum(p.numel() for p in m.parameters())
        print(f"{v}: blocks={len(CONFIGS[v])} params={n:,}")
    m = repvit("m0_9").eval()
    for mod in m.modules():
        if isinstance(mod, (nn.BatchNorm2d, nn.BatchNorm1d)):
            mod.running_mean.normal_(0, 0.1)
            mod.running_var.uniform_(0.5, 1.5)
            mod.weight.data.uniform_(0.5, 1.5)
    x = torch.randn(2, 3, 224, 224)
    with torch.no_grad():
        y = m(x)
        d = fuse_repvit(m)(x)
    print("fused vs training form:", float((y - d).abs().max()), float(y.abs().max()))
