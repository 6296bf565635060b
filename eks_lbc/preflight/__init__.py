"""``eks-lbc preflight``: read the AWS account of every configured cluster and say what would fail, before deploying.

Read-only (the IAM actions are ``iam_policy.json``), boto3's standard credential chain, the same
settings as synth (:func:`eks_lbc.settings.load_settings`). No cdktf import: it starts in a fraction
of a second. Layout: :mod:`.checks` (one module per group), :mod:`.context` (facts shared by a
cluster's checks), :mod:`.aws` (clients, error handling), :mod:`.runner` (thread pool),
:mod:`.report` (text and ``--json``), :mod:`.cli` (the command).
"""
