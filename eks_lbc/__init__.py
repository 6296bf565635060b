"""eks-lbc: the AWS Load Balancer Controller on Amazon EKS, as a cdktf app and construct library.

Importing this package, or any module of it that does not build CDK objects (``settings``,
``validation``, ``preflight``, ...), changes nothing in the process. ``eks_lbc.constructs`` and
``eks_lbc.stacks`` import the CDK runtime through :mod:`eks_lbc._cdk`, which first sets the process
up for it (:mod:`eks_lbc._runtime_setup`: runtime choice, lazy provider bindings, jsii's Node
kernel without the Node 20 end-of-life banner). Library users import ``eks_lbc.constructs`` (or
``eks_lbc.stacks``) before cdktf and the provider packages.
"""

__version__ = "0.1.0"
