#!/usr/bin/env python3
"""Lines and bytes of generated DiffGen files per category (docs/generator-cost.md).

Usage: python3 tests/tools/gensize.py tests/DiffGen.Generator.Tests/Snapshots
Reads the *.cs.verified.txt snapshots (one per generated file) and sorts every line into: the CPU Forward, the CPU
Backward and adjoint, the multi-core worker classes of either, the surface (instance/span entry points), the CUDA
kernel source constant, the device host code (device entry points, dispatch helpers, work estimate), and other
(file headers, namespace and type lines, blank lines between members, "No device code" lines).
"""
import re, sys, glob, os, collections

def classify(path):
    text = open(path, encoding='utf-8').read()
    lines = text.split('\n')
    if lines and lines[-1] == '': lines = lines[:-1]
    m = re.search(r'__(\w+)Adjoint\(', text)
    base = m.group(1) if m else None
    cats = ['other'] * len(lines)
    # member indentation: first line starting a member (doc comment or attribute) after the last 'partial' line
    for i, l in enumerate(lines):
        if re.match(r'\s*(static )?partial ', l): last = i
    ind = None
    for l in lines[last + 2:]:
        if l.strip():
            ind = len(l) - len(l.lstrip()); break
    i = 0; n = len(lines)
    while i < n:
        l = lines[i]
        if not l.strip() or len(l) - len(l.lstrip()) != ind or l.strip() == '}':
            i += 1; continue
        # member: leading doc/attribute lines, then the declaration
        j = i
        while j < n and (lines[j].strip().startswith('///') or lines[j].strip().startswith('[')): j += 1
        decl = lines[j] if j < n else ''
        if decl.strip().startswith('//'):  # a comment line at member level (e.g. "No device code")
            cats[i] = 'other'; i += 1; continue
        # end of member
        if '@"' in decl:
            # a verbatim string constant (the CUDA source): ends at the first later line ending with ";
            k = j if decl.rstrip().endswith('";') and decl.count('"') % 2 == 0 else j + 1
            while k < n and not lines[k].rstrip().endswith('";'): k += 1
        elif decl.rstrip().endswith(';'):
            k = j
        else:
            k = j + 1
            while k < n and not (lines[k] == ' ' * ind + '}'): k += 1
        if 'CudaSource' in decl: c = 'cuda kernel source'
        elif 'DeviceArray<' in decl or 'CudaWork' in decl or 'OnCuda' in decl: c = 'device host'
        elif re.search(r'class __\w+_F_Loop', decl): c = 'workers (forward)'
        elif re.search(r'class __\w+_B_Loop', decl): c = 'workers (backward)'
        elif base and (f' __{base}Adjoint(' in decl or f' {base}Backward(' in decl): c = 'cpu backward'
        elif base and f' {base}Forward(' in decl: c = 'cpu forward'
        else: c = 'surface'
        for t in range(i, min(k + 1, n)): cats[t] = c
        i = k + 1
    out = collections.Counter(); outb = collections.Counter()
    for l, c in zip(lines, cats):
        out[c] += 1; outb[c] += len(l.encode('utf-8')) + 1
    return out, outb

def main():
    d = sys.argv[1]
    files = sorted(glob.glob(os.path.join(d, '*.verified.txt')))
    files = [f for f in files if re.search(r'\.cs\.verified\.txt$|\.cuda\.cs\.verified\.txt$', f)]
    tl = collections.Counter(); tb = collections.Counter(); methods = set()
    for f in files:
        l, b = classify(f); tl.update(l); tb.update(b)
        methods.add(os.path.basename(f).replace('.cuda.cs.verified.txt', '').replace('.cs.verified.txt', ''))
    total_l = sum(tl.values()); total_b = sum(tb.values())
    print(f'files {len(files)}, methods {len(methods)}')
    print(f'| category | lines | % | KB |')
    print('|---|---:|---:|---:|')
    for c in ['cpu forward', 'cpu backward', 'workers (forward)', 'workers (backward)', 'surface', 'cuda kernel source', 'device host', 'other']:
        print(f'| {c} | {tl[c]} | {100*tl[c]/total_l:.1f} | {tb[c]/1024:.0f} |')
    print(f'| total | {total_l} | 100 | {total_b/1024:.0f} |')
    print(f'lines per method {total_l/len(methods):.0f}')

if __name__ == '__main__': main()
