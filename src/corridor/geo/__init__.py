"""Geography: the shipped country basemap and GeoPandas views of a network."""
