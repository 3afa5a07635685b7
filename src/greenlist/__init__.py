"""greenlist: a province's national green manufacturing list recommendation campaign."""
