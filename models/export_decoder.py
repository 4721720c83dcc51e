"""A small encoder-decoder that upsamples the ways segmentation and keypoint heads do, to test ConvTranspose, PRelu,
GlobalMaxPool and two-input Max/Min end to end.

- ConvTranspose2d with kernel 4, stride 2, padding 1 (the usual 2x learned upsampling), followed by BatchNorm and ReLU
  (fused into the convolution the compiler runs it as); a depthwise ConvTranspose2d with kernel 3, stride 2,
  padding 1 and output_padding 1; a grouped one with dilation 2; and ConvTranspose1d over the rows of a feature map.
- nn.PReLU per channel and with one shared slope; AdaptiveMaxPool2d(1) (GlobalMaxPool) gating the output channels;
  torch.maximum / torch.minimum of two tensors (Max, Min).

Random weights (seeded), BatchNorm statistics perturbed; input ~U(-1, 1) at 64 x 64; output is PyTorch's eval()
output for it. Exported at opsets 11 and 17:

    apt-get install python3-torch python3-onnx
    /usr/bin/python3 models/export_decoder.py     # writes models/decoder/*.onnx, *.input.bin, *.output.bin
"""
import os
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "decoder")


class DecoderNet(nn.Module):
    def __init__(self, classes=5):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, stride=2, padding=1, bias=False)
        self.stem_bn = nn.BatchNorm2d(16)
        self.stem_act = nn.PReLU(16)                                            # one slope per channel
        self.down = nn.Conv2d(16, 32, 3, stride=2, padding=1)
        self.down_act = nn.PReLU()                                              # one shared slope
        self.up = nn.ConvTranspose2d(32, 16, 4, stride=2, padding=1, bias=False)  # 16 -> 32
        self.up_bn = nn.BatchNorm2d(16)
        self.up_depthwise = nn.ConvTranspose2d(16, 16, 3, stride=2, padding=1, output_padding=1, groups=16)  # 32 -> 64
        self.up_grouped = nn.ConvTranspose2d(16, 8, 3, stride=1, padding=2, dilation=2, groups=4)          # 64 -> 64
        self.rows = nn.ConvTranspose1d(8, 8, 3, stride=2, padding=1, output_padding=1)                     # W 64 -> 128
        self.head = nn.Conv2d(8, classes, 1)
        self.gate = nn.Linear(32, classes)

    def forward(self, x):
        skip = self.stem_act(self.stem_bn(self.stem(x)))                    # 16 x 32 x 32
        deep = self.down_act(self.down(skip))                                # 32 x 16 x 16
        y = F.relu(self.up_bn(self.up(deep)))                                # 16 x 32 x 32
        y = torch.maximum(y, skip) + torch.minimum(y, skip)                  # Max, Min
        y = self.up_depthwise(y)                                             # 16 x 64 x 64
        y = self.up_grouped(y)                                               # 8 x 64 x 64
        n, c, h, w = y.shape
        y = self.rows(y.permute(0, 2, 1, 3).reshape(n * h, c, w))            # rows as a 1-D batch: (64, 8, 128)
        y = y.reshape(n, h, c, 2 * w).permute(0, 2, 1, 3)                    # 8 x 64 x 128
        logits = self.head(y)                                                # 5 x 64 x 128
        gate = torch.sigmoid(self.gate(F.adaptive_max_pool2d(deep, 1).flatten(1)))  # GlobalMaxPool
        return logits * gate[:, :, None, None]


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(11)
    model = DecoderNet().eval()
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.running_mean.uniform_(-0.2, 0.2)
            module.running_var.uniform_(0.5, 1.5)
            module.weight.data.uniform_(0.5, 1.5)
            module.bias.data.normal_(0, 0.1)
        if isinstance(module, nn.PReLU):
            module.weight.data.uniform_(0.05, 0.5)
    x = torch.rand(1, 3, 64, 64, generator=torch.Generator().manual_seed(11)) * 2 - 1
    with torch.no_grad():
        y = model(x)
    x.numpy().astype(np.float32).tofile(os.path.join(OUT, "decoder_net.input.bin"))
    y.numpy().astype(np.float32).tofile(os.path.join(OUT, "decoder_net.output.bin"))
    for opset in (11, 17):
        path = os.path.join(OUT, f"decoder_net_opset{opset}.onnx")
        torch.onnx.export(model, x, path, opset_version=opset, input_names=["input"], output_names=["logits"],
                          do_constant_folding=True)
        print(f"{path}: {os.path.getsize(path):,} bytes, output {tuple(y.shape)}, |y| max {y.abs().max().item():.3g}")


if __name__ == "__main__":
    main()
