"""eks-lbc: the AWS Load Balancer Controller on Amazon EKS, as a cdktf app and construct library.

Importing this package does not import cdktf; ``eks_lbc.constructs`` and
``eks_lbc.stacks`` do.
"""

__version__ = "0.1.0"
