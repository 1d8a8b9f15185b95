"""Admin of the provider side (spec/badges.md §9): CredlyOrganization, CredlyBadgeTemplate, AccredibleAPIConfig,
AccredibleGroup, CredlyBadge, AccredibleBadge. Filled in by the providers work (helper B2); imported only when
BADGES_ENABLED."""
