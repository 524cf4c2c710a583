"""Course data: typed, immutable records loaded and validated from readings/."""
