"""The ontology, SHACL shapes and bundled SPARQL queries, shipped as package data (kg.ontology)."""
