"""Writes ode.jsonl: reference vectors for the ode eval, which the shared gradbench vectors do not cover.

primal: a literal transcription of gradbench's cpp/gradbench/evals/ode.hpp (classical Runge-Kutta, same
operation order); gradient: the gradient of the last output element, by forward-mode dual numbers
through the same code (exact up to rounding, one pass per input). Run from anywhere:
    python3 tests/DiffGen.GradBench.Tests/Data/make_ode_vectors.py
"""
import os
import json, random
class Dual:
    __slots__=("v","d")
    def __init__(s,v,d=0.0): s.v=v; s.d=d
    def __add__(a,b): b=b if isinstance(b,Dual) else Dual(b); return Dual(a.v+b.v,a.d+b.d)
    __radd__=__add__
    def __mul__(a,b): b=b if isinstance(b,Dual) else Dual(b); return Dual(a.v*b.v,a.d*b.v+a.v*b.d)
    __rmul__=__mul__
    def __truediv__(a,b): return Dual(a.v/b,a.d/b)   # b a plain number here
def ode_fun(n,x,y,z):
    z[0]=x[0]
    for i in range(1,n): z[i]=x[i]*y[i-1]
def primal(x,s,zero):
    n=len(x); tf=2.0; h=tf/s
    k1=[zero]*n;k2=[zero]*n;k3=[zero]*n;k4=[zero]*n;t=[zero]*n; yf=[zero]*n
    for _ in range(s):
        ode_fun(n,x,yf,k1)
        for i in range(n): t[i]=yf[i]+h*k1[i]/2.0
        ode_fun(n,x,t,k2)
        for i in range(n): t[i]=yf[i]+h*k2[i]/2.0
        ode_fun(n,x,t,k3)
        for i in range(n): t[i]=yf[i]+h*k3[i]
        ode_fun(n,x,t,k4)
        for i in range(n): yf[i]=yf[i]+h*(k1[i]+2.0*k2[i]+2.0*k3[i]+k4[i])/6.0
    return yf
rng=random.Random(31337)
out=[]
for n,s in [(1,3),(4,5),(6,20),(10,1),(10,10),(100,10),(300,4)]:
    x=[rng.random() for _ in range(n)]
    y=primal(x,s,0.0)
    g=[]
    for j in range(n):
        xd=[Dual(v,1.0 if i==j else 0.0) for i,v in enumerate(x)]
        g.append(primal(xd,s,Dual(0.0))[-1].d)
    for f,o in (("primal",y),("gradient",g)):
        out.append(json.dumps({"module":"ode","function":f,"description":f"n={n},s={s}","input":{"x":x,"s":s},"output":o}))
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "ode.jsonl"), "w").write("\n".join(out)+"\n")
print(len(out))
