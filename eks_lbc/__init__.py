"""eks-lbc: the AWS Load Balancer Controller on Amazon EKS, as a cdktf app and construct library.

Importing this package does not import cdktf; ``eks_lbc.constructs`` and ``eks_lbc.stacks``
do. It prepares the process for them, cheaply: it installs :mod:`eks_lbc._lazy_providers`
(provider packages load only the submodules used; ``EKS_LBC_LAZY_PROVIDERS=0`` turns it off)
and keeps jsii's Node 20 end-of-life banner quiet (:mod:`eks_lbc._node`). Both act on what is
imported or started afterwards, so library users import ``eks_lbc`` before cdktf and the
provider packages.
"""

from eks_lbc import _lazy_providers, _node

__version__ = "0.1.0"

_node.quiet_end_of_life_banner()
_lazy_providers.notice_late_import()  # before install(): it reads what was imported before us
_lazy_providers.install()
