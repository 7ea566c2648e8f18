"""Flip test-time augmentation on a checkpoint: CIFAKE test accuracy and ROC-AUC of the plain logits, of the mirrored
images' logits, and of their mean (`predict_logits(..., flip_tta=True)`, as the evaluation report's flip TTA rows).
    python tools/flip_tta.py runs/final60s/best.pt [--data kaggle] [--threads 2]"""
import argparse, torch
from cifake_nb.data import get_cifake, load_split
from cifake_nb.model import load_checkpoint, predict_logits, binary_metrics, amp_dtype, pick_device

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('ckpt'); ap.add_argument('--data', default='kaggle'); ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    model, meta = load_checkpoint(a.ckpt)
    test = load_split(get_cifake(a.data), 'test')
    amp, y = amp_dtype('auto', pick_device('cpu')), test.y.float()
    plain, mirrored = predict_logits(model, test.x, 512, amp), predict_logits(model, test.x.flip(3), 512, amp)
    both = predict_logits(model, test.x, 512, amp, flip_tta=True)
    print(f"{len(y)} test images; threshold {meta['threshold']:.3f} (the checkpoint's)")
    for name, logits in [('plain', plain), ('mirrored', mirrored), ('mean of both', both)]:
        m = binary_metrics(y, torch.sigmoid(logits), meta['threshold'])
        print(f"{name:13s} accuracy {m['accuracy']:.4f}  ROC-AUC {m['roc_auc']:.5f}")
