"""MobileNetV2 (Sandler et al., 2018) and MobileNetV3-Large/Small (Howard et al., 2019).

Written from the papers, with the layer tables and rounding of torchvision's reference models
(parameter counts match torchvision at 1000 classes: 3,504,872 / 5,483,032 / 2,542,856).

MobileNetV2: 3x3 s2 conv-BN-ReLU6 (32), 17 inverted residual blocks (1x1 expand conv-BN-ReLU6,
3x3 depthwise conv-BN-ReLU6, 1x1 project conv-BN), 1x1 conv-BN-ReLU6 (1280), global average pool,
dropout, Linear. ReLU6 exports as Clip(0, 6).

MobileNetV3: 3x3 s2 conv-BN-HardSwish (16), bneck blocks (optional 1x1 expand, kxk depthwise,
optional squeeze-excite after the depthwise conv, 1x1 project; ReLU or HardSwish), 1x1 conv-BN-
HardSwish (6 x last width), global average pool, Linear-HardSwish-dropout-Linear.
Squeeze-excite: global average pool -> 1x1 conv (make_divisible(C/4, 8)) -> ReLU -> 1x1 conv ->
HardSigmoid -> x * gate. At opset >= 14 HardSwish exports as the HardSwish op, at opset 13 as
HardSigmoid(alpha=1/6, beta=0.5) * x.
"""

from typing import List, Sequence

import torch
import torch.nn as nn
from torch import Tensor


def make_divisible(v: float, divisor: int = 8, min_value: int = None) -> int:
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def conv_bn(cin: int, cout: int, k: int, stride: int = 1, groups: int = 1, act=None) -> nn.Sequential:
    layers = [nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if act is not None:
        layers.append(act())
    return nn.Sequential(*layers)


class InvertedResidualV2(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int, expand: int):
        super().__init__()
        hidden = int(round(cin * expand))
        layers = []
        if expand != 1:
            layers.append(conv_bn(cin, hidden, 1, act=nn.ReLU6))
        layers += [conv_bn(hidden, hidden, 3, stride, groups=hidden, act=nn.ReLU6), conv_bn(hidden, cout, 1)]
        self.conv = nn.Sequential(*layers)
        self.use_res = stride == 1 and cin == cout

    def forward(self, x: Tensor) -> Tensor:
        return x + self.conv(x) if self.use_res else self.conv(x)


class MobileNetV2(nn.Module):
    # t (expansion), c (channels), n (repeats), s (stride of the first)
    SETTINGS = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]

    def __init__(self, num_classes: int = 1000, width: float = 1.0):
        super().__init__()
        cin = make_divisible(32 * width, 8)
        last = make_divisible(1280 * max(1.0, width), 8)
        features: List[nn.Module] = [conv_bn(3, cin, 3, 2, act=nn.ReLU6)]
        for t, c, n, s in self.SETTINGS:
            cout = make_divisible(c * width, 8)
            for i in range(n):
                features.append(InvertedResidualV2(cin, cout, s if i == 0 else 1, t))
                cin = cout
        features.append(conv_bn(cin, last, 1, act=nn.ReLU6))
        self.features = nn.Sequential(*features)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(last, num_classes))

    def forward(self, x: Tensor) -> Tensor:
        x = self.features(x)
        x = torch.flatten(self.pool(x), 1)
        return self.classifier(x)


class SqueezeExcitation(nn.Module):
    def __init__(self, channels: int, squeeze: int):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(channels, squeeze, 1)
        self.relu = nn.ReLU()
        self.fc2 = nn.Conv2d(squeeze, channels, 1)
        self.gate = nn.Hardsigmoid()

    def forward(self, x: Tensor) -> Tensor:
        s = self.gate(self.fc2(self.relu(self.fc1(self.avgpool(x)))))
        return x * s


class InvertedResidualV3(nn.Module):
    def __init__(self, cin: int, k: int, exp: int, cout: int, use_se: bool, act: str, stride: int):
        super().__init__()
        act_layer = nn.Hardswish if act == "HS" else nn.ReLU
        layers: List[nn.Module] = []
        if exp != cin:
            layers.append(conv_bn(cin, exp, 1, act=act_layer))
        layers.append(conv_bn(exp, exp, k, stride, groups=exp, act=act_layer))
        if use_se:
            layers.append(SqueezeExcitation(exp, make_divisible(exp // 4, 8)))
        layers.append(conv_bn(exp, cout, 1))
        self.block = nn.Sequential(*layers)
        self.use_res = stride == 1 and cin == cout

    def forward(self, x: Tensor) -> Tensor:
        return x + self.block(x) if self.use_res else self.block(x)


# kernel, expanded channels, out channels, SE, activation, stride (Tables 1 and 2 of the paper)
V3_LARGE = [
    (3, 16, 16, False, "RE", 1), (3, 64, 24, False, "RE", 2), (3, 72, 24, False, "RE", 1),
    (5, 72, 40, True, "RE", 2), (5, 120, 40, True, "RE", 1), (5, 120, 40, True, "RE", 1),
    (3, 240, 80, False, "HS", 2), (3, 200, 80, False, "HS", 1), (3, 184, 80, False, "HS", 1),
    (3, 184, 80, False, "HS", 1), (3, 480, 112, True, "HS", 1), (3, 672, 112, True, "HS", 1),
    (5, 672, 160, True, "HS", 2), (5, 960, 160, True, "HS", 1), (5, 960, 160, True, "HS", 1),
]
V3_SMALL = [
    (3, 16, 16, True, "RE", 2), (3, 72, 24, False, "RE", 2), (3, 88, 24, False, "RE", 1),
    (5, 96, 40, True, "HS", 2), (5, 240, 40, True, "HS", 1), (5, 240, 40, True, "HS", 1),
    (5, 120, 48, True, "HS", 1), (5, 144, 48, True, "HS", 1), (5, 288, 96, True, "HS", 2),
    (5, 576, 96, True, "HS", 1), (5, 576, 96, True, "HS", 1),
]


class MobileNetV3(nn.Module):
    def __init__(self, settings: Sequence, last_channel: int, num_classes: int = 1000):
        super().__init__()
        layers: List[nn.Module] = [conv_bn(3, 16, 3, 2, act=nn.Hardswish)]
        cin = 16
        for k, exp, cout, se, act, s in settings:
            layers.append(InvertedResidualV3(cin, k, exp, cout, se, act, s))
            cin = cout
        last_conv = 6 * cin
        layers.append(conv_bn(cin, last_conv, 1, act=nn.Hardswish))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(
            nn.Linear(last_conv, last_channel), nn.Hardswish(), nn.Dropout(0.2),
            nn.Linear(last_channel, num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        x = self.features(x)
        x = torch.flatten(self.avgpool(x), 1)
        return self.classifier(x)


def mobilenet_v2(num_classes: int = 1000) -> MobileNetV2:
    return MobileNetV2(num_classes)


def mobilenet_v3_large(num_classes: int = 1000) -> MobileNetV3:
    return MobileNetV3(V3_LARGE, 1280, num_classes)


def mobilenet_v3_small(num_classes: int = 1000) -> MobileNetV3:
    return MobileNetV3(V3_SMALL, 1024, num_classes)


if __name__ == "__main__":
    for f in (mobilenet_v2, mobilenet_v3_large, mobilenet_v3_small):
        for nc in (1000, 100):
            m = f(nc).eval()
            with torch.no_grad():
                y = m(torch.randn(1, 3, 224, 224))
            print(f"{f.__name__}({nc}): params={sum(p.numel() for p in m.parameters()):,} out={tuple(y.shape)}")
