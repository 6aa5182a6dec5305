"""Stiff integration of the accelerated mirror flow, in the spirit of diffrax's separation.

* :mod:`.backend` — arithmetic (float64/LAPACK or mpmath), so the scheme is written once;
* :mod:`.radau` — the solver: one step of Radau IIA collocation (any odd number of stages);
* :mod:`.controller` — error norm and step-size control;
* :mod:`.driver` — the time loop: output sampling, checkpoints, interruption.

The vector field itself is :class:`dlnsym.mirror_flow.MirrorFlow` (which uses the back-ends,
hence no re-exports here: import from the submodules).
"""
