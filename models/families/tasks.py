"""Dense-prediction heads on a MobileViT v1 XXS backbone (models/mobilevit_v1.py), following CVNets,
plus a MobileViT v1 block whose unfold/fold traces with symbolic shapes (dynamic H/W export).

DeepLabv3 (CVNets deeplabv3_mobilevit_xx_small, output stride 16):
  backbone  stem .. layer4 unchanged; layer5 keeps 16x16 -> 32x32 at 512 input: its MV2 block
            uses stride 1 and the MobileViT block's local 3x3 conv uses dilation 2
            (CVNets' dilate_l5). The 1x1 exp conv and the classifier are dropped.
  ASPP      five branches on the layer5 features (80 ch): 1x1 conv-BN-ReLU; three 3x3 conv-BN-ReLU
            with dilations 6, 12, 18; global average pool -> 1x1 conv-BN-ReLU -> bilinear resize
            back to the feature size (align_corners=False). Concat (5 x 256) -> 1x1 conv-BN-ReLU (256).
  classify  1x1 conv (bias) -> 21 classes, then bilinear upsampling x16 (align_corners=True)
            to the input resolution: output [N, 21, 512, 512].

SSDLite (CVNets ssd_mobilevit_xx_small_320): feature maps at output strides 16 (layer4, 64 ch),
32 (layer5, 80 ch), 64/128/256 (extra separable convs stride 2: dw3x3-BN, pw1x1-BN-ReLU) and a
global one (average pool -> 1x1 conv-ReLU). Each head: optional 1x1 conv-BN-ReLU projection
(proj channels 512, 256, 256, 128, 128, 64), then a separable 3x3 conv (dw3x3-BN, pw1x1 with bias)
or, for the global map, a 1x1 conv to anchors * (4 + 81) channels; permute to NHWC, reshape to
[N, H*W*anchors, 85], split into boxes (4) and class scores (81). 6 anchors per location
(aspect ratios 2, 3), 4 for the global map. At 320x320: 20x20, 10x10, 5x5, 3x3, 2x2, 1x1 maps ->
3232 anchors. Outputs: "scores" [N, 3232, 81] (logits, before softmax) and "boxes" [N, 3232, 4]
(offsets, before anchor decoding). Anchor decoding and NMS are post-processing, not in the graph.
"""

import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from mobilevit_v1 import MobileViTBlock, mobilevit_v1  # noqa: E402  (models/mobilevit_v1.py)


def conv_bn_relu(cin: int, cout: int, k: int, stride: int = 1, dilation: int = 1, groups: int = 1,
                 bn: bool = True, act: bool = True) -> nn.Sequential:
    layers = [nn.Conv2d(cin, cout, k, stride, (k - 1) // 2 * dilation, dilation=dilation, groups=groups,
                        bias=not bn)]
    if bn:
        layers.append(nn.BatchNorm2d(cout))
    if act:
        layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class ASPPPooling(nn.Module):
    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.conv = conv_bn_relu(cin, cout, 1)

    def forward(self, x: Tensor) -> Tensor:
        size = x.shape[-2:]
        return F.interpolate(self.conv(self.pool(x)), size=size, mode="bilinear", align_corners=False)


class ASPP(nn.Module):
    def __init__(self, cin: int, cout: int = 256, rates=(6, 12, 18)):
        super().__init__()
        self.convs = nn.ModuleList(
            [conv_bn_relu(cin, cout, 1)] + [conv_bn_relu(cin, cout, 3, dilation=r) for r in rates]
            + [ASPPPooling(cin, cout)])
        self.project = conv_bn_relu(5 * cout, cout, 1)

    def forward(self, x: Tensor) -> Tensor:
        return self.project(torch.cat([conv(x) for conv in self.convs], dim=1))


class DeepLabV3MobileViT(nn.Module):
    def __init__(self, num_classes: int = 21, output_stride: int = 16):
        super().__init__()
        assert output_stride == 16
        enc = mobilevit_v1("xxs")
        # dilate layer5: MV2 depthwise conv stride 2 -> 1, MobileViT block local 3x3 conv dilation 2
        dw = enc.layer5[0].block[1][0]
        dw.stride = (1, 1)
        local = enc.layer5[1].local_rep[0][0]
        local.dilation, local.padding = (2, 2), (2, 2)
        self.stem, self.layer1, self.layer2 = enc.stem, enc.layer1, enc.layer2
        self.layer3, self.layer4, self.layer5 = enc.layer3, enc.layer4, enc.layer5
        self.aspp = ASPP(self.layer5[1].fusion[0].out_channels)
        self.classifier = nn.Conv2d(256, num_classes, 1, bias=True)
        self.output_stride = output_stride

    def forward(self, x: Tensor) -> Tensor:
        y = self.layer5(self.layer4(self.layer3(self.layer2(self.layer1(self.stem(x))))))
        y = self.classifier(self.aspp(y))
        return F.interpolate(y, scale_factor=self.output_stride, mode="bilinear", align_corners=True)


class SeparableConv(nn.Sequential):
    """CVNets SeparableConv2d: depthwise kxk conv-BN (no activation), then pointwise 1x1 conv (+BN+ReLU)."""

    def __init__(self, cin: int, cout: int, k: int = 3, stride: int = 1, norm_act: bool = True):
        super().__init__(
            conv_bn_relu(cin, cin, k, stride, groups=cin, act=False),
            nn.Conv2d(cin, cout, 1, bias=not norm_act),
            *([nn.BatchNorm2d(cout), nn.ReLU()] if norm_act else []),
        )


class SSDHead(nn.Module):
    def __init__(self, cin: int, proj: int, anchors: int, classes: int, kernel: int):
        super().__init__()
        self.proj = conv_bn_relu(cin, proj, 1) if (proj != cin and kernel > 1) else nn.Identity()
        c = proj if kernel > 1 else cin
        out = anchors * (4 + classes)
        self.loc_cls = SeparableConv(c, out, 3, norm_act=False) if kernel > 1 else nn.Conv2d(c, out, 1, bias=True)
        self.classes = classes

    def forward(self, x: Tensor):
        x = self.loc_cls(self.proj(x))
        x = x.permute(0, 2, 3, 1)
        x = x.contiguous().view(x.shape[0], -1, 4 + self.classes)
        boxes, scores = torch.split(x, [4, self.classes], dim=-1)
        return boxes, scores


class SSDLiteMobileViT(nn.Module):
    OUTPUT_STRIDES = (16, 32, 64, 128, 256, -1)
    PROJ = (512, 256, 256, 128, 128, 64)

    def __init__(self, num_classes: int = 81):
        super().__init__()
        enc = mobilevit_v1("xxs")
        self.stem, self.layer1, self.layer2 = enc.stem, enc.layer1, enc.layer2
        self.layer3, self.layer4, self.layer5 = enc.layer3, enc.layer4, enc.layer5
        c4 = self.layer4[1].fusion[0].out_channels
        c5 = self.layer5[1].fusion[0].out_channels
        self.extra = nn.ModuleList([
            SeparableConv(c5, 256, 3, stride=2),    # os 64
            SeparableConv(256, 128, 3, stride=2),   # os 128
            SeparableConv(128, 128, 3, stride=2),   # os 256
            nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(128, 64, 1, bias=True), nn.ReLU()),  # global
        ])
        in_ch = (c4, c5, 256, 128, 128, 64)
        anchors = (6, 6, 6, 6, 6, 4)
        self.heads = nn.ModuleList([
            SSDHead(ci, p, a, num_classes, 3 if os != -1 else 1)
            for ci, p, a, os in zip(in_ch, self.PROJ, anchors, self.OUTPUT_STRIDES)])

    def forward(self, x: Tensor):
        x = self.layer3(self.layer2(self.layer1(self.stem(x))))
        f16 = self.layer4(x)
        f32 = self.layer5(f16)
        feats = [f16, f32]
        y = f32
        for layer in self.extra:
            y = layer(y)
            feats.append(y)
        boxes, scores = [], []
        for f, head in zip(feats, self.heads):
            b, s = head(f)
            boxes.append(b)
            scores.append(s)
        return torch.cat(scores, dim=1), torch.cat(boxes, dim=1)


class SymbolicShapeMobileViTBlock(MobileViTBlock):
    """MobileViT v1 block whose unfold/fold sizes are computed from the traced input shape.

    The CVNets code computes the padded size with math.ceil/int(), which the tracer records as
    constants, so an export with dynamic H/W would only work at the traced size. Here the padded
    size is ceil(h / p) * p in tensor arithmetic and the bilinear resize is always emitted
    (identity when h is already a multiple of p; PyTorch and ONNX both copy exactly then).
    """

    def unfolding(self, feature_map: Tensor):
        ph, pw = self.patch_h, self.patch_w
        b, c, h, w = feature_map.shape
        nh = (h + ph - 1) // ph
        nw = (w + pw - 1) // pw
        feature_map = F.interpolate(feature_map, size=(nh * ph, nw * pw), mode="bilinear", align_corners=False)
        n = nh * nw
        x = feature_map.reshape(b * c * nh, ph, nw, pw).transpose(1, 2)
        x = x.reshape(b, c, n, ph * pw).transpose(1, 3)
        patches = x.reshape(b * ph * pw, n, c)
        return patches, dict(orig_size=(h, w), batch_size=b, num_patches_h=nh, num_patches_w=nw, total_patches=n)

    def folding(self, patches: Tensor, info) -> Tensor:
        ph, pw = self.patch_h, self.patch_w
        b, nh, nw, n = info["batch_size"], info["num_patches_h"], info["num_patches_w"], info["total_patches"]
        c = patches.shape[2]
        x = patches.contiguous().view(b, ph * pw, n, c).transpose(1, 3)
        x = x.reshape(b * c * nh, nw, ph, pw).transpose(1, 2)
        fm = x.reshape(b, c, nh * ph, nw * pw)
        return F.interpolate(fm, size=info["orig_size"], mode="bilinear", align_corners=False)


def make_symbolic_shape(model: nn.Module) -> nn.Module:
    for m in model.modules():
        if type(m) is MobileViTBlock:
            m.__class__ = SymbolicShapeMobileViTBlock
    return model


if __name__ == "__main__":
    for name, m, size in (("deeplabv3", DeepLabV3MobileViT(), 512), ("ssdlite", SSDLiteMobileViT(), 320)):
        m.eval()
        with torch.no_grad():
            y = m(torch.randn(1, 3, size, size))
        shapes = [tuple(t.shape) for t in (y if isinstance(y, tuple) else (y,))]
        print(f"{name}: params={sum(p.numel() for p in m.parameters()):,} out={shapes}")
