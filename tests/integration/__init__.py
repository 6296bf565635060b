"""Integration tiers: real tools (terraform + AWS provider on moto, checkov, Helm) on the synthesized stacks.

Helpers: :mod:`.moto` (the emulator), :mod:`.terraform` (runner and the AWS-only harness),
:mod:`.chart` (rendering the vendored chart with a release's values), :mod:`.stacks`
(the configurations); fixtures in :mod:`.fixtures`. See README, "Tests".
"""
