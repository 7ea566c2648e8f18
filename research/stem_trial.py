"""A trial of a stem not in `model.STEMS`: the `cifar_s2` stem with a full-resolution front, a 3x3 stride-1 convolution
(C channels, default 32) with BatchNorm and ReLU before its 3x3 stride-2 convolution, so that one nonlinear layer sees
the 32x32 pixels. Runs `cifake_nb_train` with every 'cifar_s2' model built that way (the checkpoints it writes load
only through this script). Measured in 02_train, "Trials at 20 epochs"; not adopted.
    [STEM_C=32] python research/stem_trial.py --out runs/trials/deep32 --data kaggle --preset cpu --n-train 30000 ..."""
import os
from torch import nn
import cifake_nb.model as model_mod, cifake_nb.train as train_mod
from cifake_nb.cli import train_cli

C, plain_create_model = int(os.environ.get('STEM_C', 32)), model_mod.create_model

def create_model(stem='imagenet', pretrained=False, mean=model_mod.MEAN, std=model_mod.STD, matmul_small_maps=True):
    "`model.create_model`, with the full-resolution front on the 'cifar_s2' stem."
    d = plain_create_model(stem, pretrained, mean, std, matmul_small_maps=False)
    if stem == 'cifar_s2':
        front, down = nn.Conv2d(3, C, 3, 1, 1, bias=False), nn.Conv2d(C, 64, 3, 2, 1, bias=False)
        for c in (front, down): nn.init.kaiming_normal_(c.weight, mode='fan_out', nonlinearity='relu')
        d.body.conv1 = nn.Sequential(front, nn.BatchNorm2d(C), nn.ReLU(inplace=True), down)
    if matmul_small_maps: model_mod.use_matmul_small_maps(d.body)
    return d

if __name__ == '__main__':
    model_mod.create_model = train_mod.create_model = create_model   # training, and loading best.pt for the report
    train_cli()
