"""The routing stage: a network compiled to arrays, the arcs of a year, the layers and which
arcs their route rules allow, and the names (countries, groups, links) a user may give."""
