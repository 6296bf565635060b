"""Integration tiers: real tools (terraform + the AWS provider on moto, checkov) on the synthesized stacks.

Helpers: :mod:`.moto` (the emulator), :mod:`.terraform` (runner and the AWS-only harness),
:mod:`.checkov` (scans), :mod:`.stacks` (the configurations, synthesized per runtime),
:mod:`.tiers` (each tier's slow work); fixtures in :mod:`.fixtures`. See README, "Tests".
"""
