"""Admin of templates and their rules (spec/badges.md §9, §12.3-12.5): LocalBadgeTemplate, BadgeRequirement,
DataRule, BadgePenalty, PenaltyDataRule, BadgeProgress/Fulfillment, LocalBadge, with rule validation. Filled in
by the local-issuer work (helper B3); imported only when BADGES_ENABLED."""
