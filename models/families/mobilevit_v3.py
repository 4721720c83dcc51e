"""MobileViTv3-XXS/XS/S (Wadekar & Chaurasia, 2022): the MobileViTv1-based variants.

The network is MobileViT v1 (models/mobilevit_v1.py) with wider stages 3-5 and the MobileViTv3
block, which changes four things in the v1 block:
  1. local representation: the 3x3 conv is depthwise (groups = C);
  2. fusion: 1x1 conv-BN-SiLU instead of 3x3;
  3. fusion input: concat(local features [d], global features [C]) instead of concat(input, global);
  4. the block input is added to the fusion output.
The exp conv before the classifier has min(4 * C5, 960) channels, as in CVNets.

Configurations from the MobileViTv3 repository (modes xx_small_v3 / x_small_v3 / small_v3),
4 attention heads, FFN dim 2d, depths (2, 4, 3), patch 2x2.
"""

import os
import sys
from typing import Sequence

import torch
import torch.nn as nn
from torch import Tensor

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from mobilevit_v1 import (  # noqa: E402  (models/mobilevit_v1.py)
    DEPTHS, FFN_MULT, NUM_HEADS, InvertedResidual, MobileViTBlock, TransformerEncoder, conv_bn_act)

V3_CONFIGS = {
    # channels: stem, layer1..layer5; dims: transformer dims of layer3..5
    "xxs": dict(channels=[16, 16, 24, 64, 80, 128], dims=[64, 80, 96], expansion=2),
    "xs": dict(channels=[16, 32, 48, 96, 160, 160], dims=[96, 120, 144], expansion=4),
    "s": dict(channels=[16, 32, 64, 128, 256, 320], dims=[144, 192, 240], expansion=4),
}


class MobileViTv3Block(MobileViTBlock):
    """Reuses the v1 block's unfolding/folding (CVNets reshape/transpose with bilinear resize)."""

    def __init__(self, cin: int, dim: int, depth: int, patch=(2, 2), num_heads: int = NUM_HEADS,
                 ffn_mult: int = FFN_MULT):
        nn.Module.__init__(self)
        self.patch_h, self.patch_w = patch
        self.patch_area = self.patch_h * self.patch_w
        self.local_rep = nn.Sequential(
            conv_bn_act(cin, cin, 3, groups=cin),
            nn.Conv2d(cin, dim, 1, bias=False),
        )
        self.global_rep = nn.Sequential(
            *[TransformerEncoder(dim, ffn_mult * dim, num_heads) for _ in range(depth)],
            nn.LayerNorm(dim),
        )
        self.conv_proj = conv_bn_act(dim, cin, 1)
        self.fusion = conv_bn_act(dim + cin, cin, 1)

    def forward(self, x: Tensor) -> Tensor:
        fm_conv = self.local_rep(x)
        patches, info = self.unfolding(fm_conv)
        patches = self.global_rep(patches)
        fm = self.folding(patches, info)
        fm = self.conv_proj(fm)
        fm = self.fusion(torch.cat((fm_conv, fm), dim=1))
        return fm + x


class MobileViTv3(nn.Module):
    def __init__(self, channels: Sequence[int], dims: Sequence[int], expansion: int,
                 depths: Sequence[int] = DEPTHS, num_classes: int = 1000):
        super().__init__()
        c = channels
        self.stem = conv_bn_act(3, c[0], 3, stride=2)
        self.layer1 = nn.Sequential(InvertedResidual(c[0], c[1], 1, expansion))
        self.layer2 = nn.Sequential(
            InvertedResidual(c[1], c[2], 2, expansion),
            InvertedResidual(c[2], c[2], 1, expansion),
            InvertedResidual(c[2], c[2], 1, expansion),
        )
        self.layer3 = nn.Sequential(InvertedResidual(c[2], c[3], 2, expansion),
                                    MobileViTv3Block(c[3], dims[0], depths[0]))
        self.layer4 = nn.Sequential(InvertedResidual(c[3], c[4], 2, expansion),
                                    MobileViTv3Block(c[4], dims[1], depths[1]))
        self.layer5 = nn.Sequential(InvertedResidual(c[4], c[5], 2, expansion),
                                    MobileViTv3Block(c[5], dims[2], depths[2]))
        exp = min(4 * c[5], 960)
        self.conv_exp = conv_bn_act(c[5], exp, 1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(exp, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.stem(x)
        x = self.layer1(x)
        x = self.layer2(x)
        x = self.layer3(x)
        x = self.layer4(x)
        x = self.layer5(x)
        x = self.conv_exp(x)
        x = torch.flatten(self.pool(x), 1)
        return self.classifier(x)


def mobilevit_v3(variant: str, num_classes: int = 1000) -> MobileViTv3:
    return MobileViTv3(**V3_CONFIGS[variant], num_classes=num_classes)


if __name__ == "__main__":
    for v in V3_CONFIGS:
        m = mobilevit_v3(v).eval()
        with torch.no_grad():
            y = m(torch.randn(1, 3, 256, 256))
        print(f"v3-{v}: params={sum(p.numel() for p in m.parameters()):,} out={tuple(y.shape)}")
