"""MobileViTv2 (Mehta & Rastegari, 2022) and the MobileViTv2-based MobileViTv3-0.5/0.75/1.0
(Wadekar & Chaurasia, 2022), written from the papers and the CVNets / MobileViTv3 configurations.

Architecture (input 3x256x256, width multiplier w):
  conv_1   3x3 s2 conv-BN-SiLU                     -> C0 @128   C0 = make_divisible(clamp(32w, 16, 64))
  layer_1  MV2(s1)                                 -> C1 @128
  layer_2  MV2(s2), MV2                            -> C2 @64
  layer_3  MV2(s2), MobileViTv2 block (d0, L=2)    -> C3 @32
  layer_4  MV2(s2), MobileViTv2 block (d1, L=4)    -> C4 @16
  layer_5  MV2(s2), MobileViTv2 block (d2, L=3)    -> C5 @8
  head     mean over H,W (ReduceMean) -> Linear(C5 -> classes)   (no 1x1 expansion conv in v2)

MobileViTv2 block (patch 2x2):
  local    3x3 depthwise conv-BN-SiLU, 1x1 conv (no bias) -> d
  unfold   [B, d, H, W] -> [B, d, P, N]   (P = pixels per patch, N = number of patches)
  global   L x LinearAttnFFN, then GroupNorm(1 group, d)
  fold     [B, d, P, N] -> [B, d, H, W]
  proj     1x1 conv-BN (no activation) -> C
MobileViTv3 (v2-based) changes only the end of the block: proj is a 1x1 conv-BN on
concat(global, local) (2d channels) and the block input is added at the end.

LinearAttnFFN (pre-norm, the "layer_norm_2d" of CVNets is a GroupNorm with one group):
  x = x + out_proj( ReLU(V) * sum_N(K * softmax_N(I)) )   with [I, K, V] = split(1x1 conv(GN(x)), [1, d, d])
  x = x + conv1x1(SiLU(conv1x1(GN(x))))                  FFN dim = (2d // 16) * 16

The unfold/fold is written as reshape/permute (same element order as F.unfold / F.fold,
which torch 1.13 cannot export: there is no Col2Im before opset 18). `unfold="coreml"` uses
CVNets' CoreML-compatible path instead: a grouped 1x1-per-pixel Conv with one-hot weights for
unfold and pixel_shuffle (ONNX DepthToSpace) for fold.
"""

from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor


def make_divisible(v: float, divisor: int = 8, min_value: int = None) -> int:
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def conv_bn_act(cin: int, cout: int, k: int, stride: int = 1, groups: int = 1, bn: bool = True,
                act: bool = True, bias: bool = None, dilation: int = 1) -> nn.Sequential:
    if bias is None:
        bias = not bn
    layers = [nn.Conv2d(cin, cout, k, stride, (k - 1) // 2 * dilation, dilation=dilation,
                        groups=groups, bias=bias)]
    if bn:
        layers.append(nn.BatchNorm2d(cout))
    if act:
        layers.append(nn.SiLU())
    return nn.Sequential(*layers)


class InvertedResidual(nn.Module):
    """CVNets MV2 block: hidden = make_divisible(round(cin * t), 8)."""

    def __init__(self, cin: int, cout: int, stride: int, expansion: float):
        super().__init__()
        hidden = make_divisible(int(round(cin * expansion)), 8)
        layers = []
        if expansion != 1:
            layers.append(conv_bn_act(cin, hidden, 1))
        layers.append(conv_bn_act(hidden, hidden, 3, stride=stride, groups=hidden))
        layers.append(conv_bn_act(hidden, cout, 1, act=False))
        self.block = nn.Sequential(*layers)
        self.use_res = stride == 1 and cin == cout

    def forward(self, x: Tensor) -> Tensor:
        y = self.block(x)
        return x + y if self.use_res else y


class LinearSelfAttention(nn.Module):
    """Separable self-attention: cost linear in the number of patches N."""

    def __init__(self, dim: int):
        super().__init__()
        self.dim = dim
        self.qkv_proj = nn.Conv2d(dim, 1 + 2 * dim, 1, bias=True)
        self.out_proj = nn.Conv2d(dim, dim, 1, bias=True)

    def forward(self, x: Tensor) -> Tensor:
        # [B, d, P, N] -> [B, 1 + 2d, P, N]
        qkv = self.qkv_proj(x)
        query, key, value = torch.split(qkv, [1, self.dim, self.dim], dim=1)
        # context scores: softmax over the patches N  -> [B, 1, P, N]
        context_scores = F.softmax(query, dim=-1)
        # context vector: [B, d, P, N] * [B, 1, P, N] -> sum over N -> [B, d, P, 1]
        context_vector = (key * context_scores).sum(dim=-1, keepdim=True)
        out = F.relu(value) * context_vector.expand_as(value)
        return self.out_proj(out)


class LinearAttnFFN(nn.Module):
    def __init__(self, dim: int, ffn_dim: int):
        super().__init__()
        self.norm1 = nn.GroupNorm(1, dim)
        self.attn = LinearSelfAttention(dim)
        self.norm2 = nn.GroupNorm(1, dim)
        self.ffn = nn.Sequential(
            nn.Conv2d(dim, ffn_dim, 1, bias=True), nn.SiLU(),
            nn.Conv2d(ffn_dim, dim, 1, bias=True),
        )

    def forward(self, x: Tensor) -> Tensor:
        x = x + self.attn(self.norm1(x))
        x = x + self.ffn(self.norm2(x))
        return x


class MobileViTv2Block(nn.Module):
    def __init__(self, cin: int, dim: int, ffn_multiplier: float, depth: int, patch: int = 2,
                 v3_fusion: bool = False, unfold: str = "reshape", dilation: int = 1):
        super().__init__()
        self.patch_h = self.patch_w = patch
        self.v3_fusion = v3_fusion
        self.unfold_mode = unfold
        self.dim = dim
        self.local_rep = nn.Sequential(
            conv_bn_act(cin, cin, 3, groups=cin, dilation=dilation),
            nn.Conv2d(cin, dim, 1, bias=False),
        )
        ffn_dim = int((ffn_multiplier * dim) // 16 * 16)
        self.global_rep = nn.Sequential(
            *[LinearAttnFFN(dim, ffn_dim) for _ in range(depth)],
            nn.GroupNorm(1, dim),
        )
        self.conv_proj = conv_bn_act(2 * dim if v3_fusion else dim, cin, 1, act=False)
        if unfold == "coreml":
            # one-hot [P*d, 1, ph, pw] weights: output channel c*P + p picks pixel p of channel c
            w = torch.eye(patch * patch, dtype=torch.float32).reshape(patch * patch, 1, patch, patch)
            self.register_buffer("unfolding_weights", w.repeat(dim, 1, 1, 1), persistent=False)

    def unfolding(self, fm: Tensor):
        b, c, h, w = fm.shape
        ph, pw = self.patch_h, self.patch_w
        nh, nw = h // ph, w // pw
        if self.unfold_mode == "coreml":
            patches = F.conv2d(fm, self.unfolding_weights, bias=None, stride=(ph, pw), groups=c)
            return patches.reshape(b, c, ph * pw, nh * nw), (h, w)
        # [B, C, nh, ph, nw, pw] -> [B, C, ph, pw, nh, nw] -> [B, C, P, N]
        patches = fm.reshape(b, c, nh, ph, nw, pw).permute(0, 1, 3, 5, 2, 4)
        return patches.reshape(b, c, ph * pw, nh * nw), (h, w)

    def folding(self, patches: Tensor, size) -> Tensor:
        b, c, p, n = patches.shape
        ph, pw = self.patch_h, self.patch_w
        nh, nw = size[0] // ph, size[1] // pw
        if self.unfold_mode == "coreml":
            fm = patches.reshape(b, c * ph * pw, nh, nw)
            return F.pixel_shuffle(fm, upscale_factor=ph)
        fm = patches.reshape(b, c, ph, pw, nh, nw).permute(0, 1, 4, 2, 5, 3)
        return fm.reshape(b, c, nh * ph, nw * pw)

    def forward(self, x: Tensor) -> Tensor:
        # the inputs used here never need CVNets' resize_input_if_needed (sizes are multiples of 32)
        fm_conv = self.local_rep(x)
        patches, size = self.unfolding(fm_conv)
        patches = self.global_rep(patches)
        fm = self.folding(patches, size)
        if self.v3_fusion:
            return self.conv_proj(torch.cat((fm, fm_conv), dim=1)) + x
        return self.conv_proj(fm)


def v2_config(width: float) -> dict:
    layer0 = make_divisible(max(16, min(64, 32 * width)), 8, min_value=16)
    return dict(
        layer0=int(layer0),
        layer1=int(make_divisible(64 * width, 16)),
        layer2=int(make_divisible(128 * width, 8)),
        # (out channels, attention dim d, number of LinearAttnFFN layers)
        layer3=(int(make_divisible(256 * width, 8)), int(make_divisible(128 * width, 8)), 2),
        layer4=(int(make_divisible(384 * width, 8)), int(make_divisible(192 * width, 8)), 4),
        layer5=(int(make_divisible(512 * width, 8)), int(make_divisible(256 * width, 8)), 3),
    )


class MobileViTv2(nn.Module):
    def __init__(self, width: float, num_classes: int = 1000, v3_fusion: bool = False,
                 unfold: str = "reshape", expansion: float = 2, ffn_multiplier: float = 2):
        super().__init__()
        cfg = v2_config(width)
        self.config = cfg
        c0 = cfg["layer0"]
        self.conv_1 = conv_bn_act(3, c0, 3, stride=2)
        self.layer_1 = nn.Sequential(InvertedResidual(c0, cfg["layer1"], 1, expansion))
        self.layer_2 = nn.Sequential(
            InvertedResidual(cfg["layer1"], cfg["layer2"], 2, expansion),
            InvertedResidual(cfg["layer2"], cfg["layer2"], 1, expansion),
        )
        cin = cfg["layer2"]
        stages = []
        for key in ("layer3", "layer4", "layer5"):
            cout, dim, depth = cfg[key]
            stages.append(nn.Sequential(
                InvertedResidual(cin, cout, 2, expansion),
                MobileViTv2Block(cout, dim, ffn_multiplier, depth, v3_fusion=v3_fusion, unfold=unfold),
            ))
            cin = cout
        self.layer_3, self.layer_4, self.layer_5 = stages
        self.classifier = nn.Linear(cin, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.conv_1(x)
        x = self.layer_1(x)
        x = self.layer_2(x)
        x = self.layer_3(x)
        x = self.layer_4(x)
        x = self.layer_5(x)
        x = torch.mean(x, dim=[-2, -1], keepdim=False)
        return self.classifier(x)


V2_WIDTHS = (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)
V3_WIDTHS = (0.5, 0.75, 1.0)


def mobilevit_v2(width: float, num_classes: int = 1000, unfold: str = "reshape") -> MobileViTv2:
    return MobileViTv2(width, num_classes=num_classes, unfold=unfold)


def mobilevit_v3_from_v2(width: float, num_classes: int = 1000) -> MobileViTv2:
    return MobileViTv2(width, num_classes=num_classes, v3_fusion=True)


if __name__ == "__main__":
    for w in V2_WIDTHS:
        m = mobilevit_v2(w).eval()
        print(f"v2-{w}: params={sum(p.numel() for p in m.parameters()):,} {m.config}")
    for w in V3_WIDTHS:
        m = mobilevit_v3_from_v2(w).eval()
        print(f"v3-{w}: params={sum(p.numel() for p in m.parameters()):,}")
    m = mobilevit_v2(0.5).eval()
    m2 = mobilevit_v2(0.5, unfold="coreml").eval()
    m2.load_state_dict(m.state_dict())
    x = torch.randn(1, 3, 256, 256)
    with torch.no_grad():
        print("coreml unfold == reshape unfold:", float((m(x) - m2(x)).abs().max()))
