"""MobileViT v1 (Mehta & Rastegari, ICLR 2022) -- a from-the-paper PyTorch definition.

Written for generating ONNX test models for MobileViT.Compiler. The unfolding /
folding follows the CVNets reference code (reshape -> transpose(1,2) -> reshape
-> transpose(1,3) -> reshape, bilinear interpolate when the feature map is not a
multiple of the patch size, and the mirror fold).

Architecture (input 3x256x256):
  stem      3x3 s2 conv-BN-SiLU                         -> C0 @128
  layer1    MV2(s1)                                     -> C1 @128
  layer2    MV2(s2), MV2, MV2                           -> C2 @64
  layer3    MV2(s2), MobileViT(d0, L=2)                 -> C3 @32
  layer4    MV2(s2), MobileViT(d1, L=4)                 -> C4 @16
  layer5    MV2(s2), MobileViT(d2, L=3)                 -> C5 @8
  exp       1x1 conv-BN-SiLU                            -> C6 @8
  head      global avg pool -> flatten -> Linear(C6 -> 1000)
"""

import math
from typing import Dict, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

CONFIGS = {
    "xxs": dict(channels=[16, 16, 24, 48, 64, 80, 320], dims=[64, 80, 96], expansion=2),
    "xs": dict(channels=[16, 32, 48, 64, 80, 96, 384], dims=[96, 120, 144], expansion=4),
    "s": dict(channels=[16, 32, 64, 96, 128, 160, 640], dims=[144, 192, 240], expansion=4),
}
DEPTHS = (2, 4, 3)
NUM_HEADS = 4
FFN_MULT = 2


def conv_bn_act(cin: int, cout: int, k: int, stride: int = 1, groups: int = 1,
                bn: bool = True, act: bool = True) -> nn.Sequential:
    layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=not bn)]
    if bn:
        layers.append(nn.BatchNorm2d(cout))
    if act:
        layers.append(nn.SiLU())
    return nn.Sequential(*layers)


class InvertedResidual(nn.Module):
    """MobileNetV2 block: 1x1 expand (BN+SiLU) -> 3x3 depthwise (BN+SiLU) -> 1x1 project (BN, no act)."""

    def __init__(self, cin: int, cout: int, stride: int, expansion: int):
        super().__init__()
        hidden = int(round(cin * expansion))
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


class MultiHeadSelfAttention(nn.Module):
    """Explicit MHSA: Linear qkv -> reshape/transpose -> matmul -> softmax -> matmul -> Linear out."""

    def __init__(self, dim: int, num_heads: int):
        super().__init__()
        assert dim % num_heads == 0
        self.num_heads = num_heads
        self.head_dim = dim // num_heads
        self.scale = self.head_dim ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim, bias=True)
        self.out_proj = nn.Linear(dim, dim, bias=True)

    def forward(self, x: Tensor) -> Tensor:
        b, n, c = x.shape  # [BP, N, C]
        qkv = self.qkv(x).reshape(b, n, 3, self.num_heads, self.head_dim)
        qkv = qkv.permute(2, 0, 3, 1, 4)  # [3, BP, h, N, hd]
        q, k, v = qkv[0], qkv[1], qkv[2]
        q = q * self.scale
        attn = torch.matmul(q, k.transpose(-2, -1))  # [BP, h, N, N]
        attn = torch.softmax(attn, dim=-1)
        out = torch.matmul(attn, v)  # [BP, h, N, hd]
        out = out.transpose(1, 2).reshape(b, n, c)
        return self.out_proj(out)


class TransformerEncoder(nn.Module):
    """Pre-norm transformer layer: x + MHSA(LN(x)); x + FFN(LN(x)), FFN = Linear -> SiLU -> Linear."""

    def __init__(self, dim: int, ffn_dim: int, num_heads: int):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = MultiHeadSelfAttention(dim, num_heads)
        self.norm2 = nn.LayerNorm(dim)
        self.ffn = nn.Sequential(nn.Linear(dim, ffn_dim), nn.SiLU(), nn.Linear(ffn_dim, dim))

    def forward(self, x: Tensor) -> Tensor:
        x = x + self.attn(self.norm1(x))
        x = x + self.ffn(self.norm2(x))
        return x


class MobileViTBlock(nn.Module):
    def __init__(self, cin: int, dim: int, depth: int, patch: Tuple[int, int],
                 num_heads: int = NUM_HEADS, ffn_mult: int = FFN_MULT):
        super().__init__()
        self.patch_h, self.patch_w = patch
        self.patch_area = self.patch_h * self.patch_w
        # local representation: 3x3 conv-BN-SiLU, then 1x1 conv (no BN / act)
        self.local_rep = nn.Sequential(
            conv_bn_act(cin, cin, 3),
            nn.Conv2d(cin, dim, 1, bias=False),
        )
        self.global_rep = nn.Sequential(
            *[TransformerEncoder(dim, ffn_mult * dim, num_heads) for _ in range(depth)],
            nn.LayerNorm(dim),
        )
        self.conv_proj = conv_bn_act(dim, cin, 1)
        self.fusion = conv_bn_act(2 * cin, cin, 3)

    def unfolding(self, feature_map: Tensor) -> Tuple[Tensor, Dict]:
        patch_w, patch_h = self.patch_w, self.patch_h
        patch_area = self.patch_area
        batch_size, in_channels, orig_h, orig_w = feature_map.shape

        new_h = int(math.ceil(orig_h / patch_h) * patch_h)
        new_w = int(math.ceil(orig_w / patch_w) * patch_w)

        interpolate = False
        if new_w != orig_w or new_h != orig_h:
            feature_map = F.interpolate(feature_map, size=(new_h, new_w),
                                        mode="bilinear", align_corners=False)
            interpolate = True

        num_patch_w = new_w // patch_w
        num_patch_h = new_h // patch_h
        num_patches = num_patch_h * num_patch_w

        # [B, C, H, W] -> [B*C*n_h, p_h, n_w, p_w]
        reshaped_fm = feature_map.reshape(batch_size * in_channels * num_patch_h,
                                          patch_h, num_patch_w, patch_w)
        # -> [B*C*n_h, n_w, p_h, p_w]
        transposed_fm = reshaped_fm.transpose(1, 2)
        # -> [B, C, N, P]
        reshaped_fm = transposed_fm.reshape(batch_size, in_channels, num_patches, patch_area)
        # -> [B, P, N, C]
        transposed_fm = reshaped_fm.transpose(1, 3)
        # -> [BP, N, C]
        patches = transposed_fm.reshape(batch_size * patch_area, num_patches, -1)

        info = {
            "orig_size": (orig_h, orig_w),
            "batch_size": batch_size,
            "interpolate": interpolate,
            "total_patches": num_patches,
            "num_patches_w": num_patch_w,
            "num_patches_h": num_patch_h,
        }
        return patches, info

    def folding(self, patches: Tensor, info: Dict) -> Tensor:
        assert patches.dim() == 3
        # [BP, N, C] -> [B, P, N, C]
        patches = patches.contiguous().view(info["batch_size"], self.patch_area,
                                            info["total_patches"], -1)
        batch_size, pixels, num_patches, channels = patches.size()
        num_patch_h = info["num_patches_h"]
        num_patch_w = info["num_patches_w"]
        # -> [B, C, N, P]
        patches = patches.transpose(1, 3)
        # -> [B*C*n_h, n_w, p_h, p_w]
        feature_map = patches.reshape(batch_size * channels * num_patch_h, num_patch_w,
                                      self.patch_h, self.patch_w)
        # -> [B*C*n_h, p_h, n_w, p_w]
        feature_map = feature_map.transpose(1, 2)
        # -> [B, C, H, W]
        feature_map = feature_map.reshape(batch_size, channels, num_patch_h * self.patch_h,
                                          num_patch_w * self.patch_w)
        if info["interpolate"]:
            feature_map = F.interpolate(feature_map, size=info["orig_size"],
                                        mode="bilinear", align_corners=False)
        return feature_map

    def forward(self, x: Tensor) -> Tensor:
        res = x
        fm = self.local_rep(x)
        patches, info = self.unfolding(fm)
        patches = self.global_rep(patches)
        fm = self.folding(patches, info)
        fm = self.conv_proj(fm)
        return self.fusion(torch.cat((res, fm), dim=1))


class MobileViT(nn.Module):
    def __init__(self, channels: Sequence[int], dims: Sequence[int], expansion: int,
                 patch_sizes: Sequence = (2, 2, 2), depths: Sequence[int] = DEPTHS,
                 num_classes: int = 1000):
        super().__init__()
        c = channels
        ps = [(p, p) if isinstance(p, int) else tuple(p) for p in patch_sizes]
        self.stem = conv_bn_act(3, c[0], 3, stride=2)
        self.layer1 = nn.Sequential(InvertedResidual(c[0], c[1], 1, expansion))
        self.layer2 = nn.Sequential(
            InvertedResidual(c[1], c[2], 2, expansion),
            InvertedResidual(c[2], c[2], 1, expansion),
            InvertedResidual(c[2], c[2], 1, expansion),
        )
        self.layer3 = nn.Sequential(
            InvertedResidual(c[2], c[3], 2, expansion),
            MobileViTBlock(c[3], dims[0], depths[0], ps[0]),
        )
        self.layer4 = nn.Sequential(
            InvertedResidual(c[3], c[4], 2, expansion),
            MobileViTBlock(c[4], dims[1], depths[1], ps[1]),
        )
        self.layer5 = nn.Sequential(
            InvertedResidual(c[4], c[5], 2, expansion),
            MobileViTBlock(c[5], dims[2], depths[2], ps[2]),
        )
        self.conv_exp = conv_bn_act(c[5], c[6], 1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(c[6], num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.stem(x)
        x = self.layer1(x)
        x = self.layer2(x)
        x = self.layer3(x)
        x = self.layer4(x)
        x = self.layer5(x)
        x = self.conv_exp(x)
        x = self.pool(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


def mobilevit_v1(variant: str = "xxs", patch_sizes=(2, 2, 2), num_classes: int = 1000) -> MobileViT:
    cfg = CONFIGS[variant]
    return MobileViT(cfg["channels"], cfg["dims"], cfg["expansion"],
                     patch_sizes=patch_sizes, num_classes=num_classes)


if __name__ == "__main__":
    for v in CONFIGS:
        m = mobilevit_v1(v).eval()
        n = sum(p.numel() for p in m.parameters())
        with torch.no_grad():
            y = m(torch.randn(1, 3, 256, 256))
        print(f"{v}: params={n:,} out={tuple(y.shape)}")
