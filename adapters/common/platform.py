"""A platform as the adapters' list holds it: its spec, and how its adapter is built."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bot.core.ports import Adapter, PlatformSpec

Build = Callable[[Mapping[str, str]], Adapter]
"""Builds the adapter from the platform's settings that are set (by variable name)."""


@dataclass(frozen=True, slots=True)
class Platform:
    """One entry of `adapters.registry.PLATFORMS`.

    `build` imports the platform's SDK only when called, so reading the specs (to check the
    configuration and the environment) never loads an SDK.
    """

    spec: PlatformSpec
    build: Build | None = None
    """None for a platform that is not built from the environment (the console)."""
