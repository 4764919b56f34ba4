"""FHIR R4 mapping: one module per resource, each built and validated with fhir.resources.

fhir.resources 8 ships R5 at its root and R4B under `fhir.resources.R4B`; it has no R4
package. Every resource bedside emits uses only elements that are the same in R4 (4.0.1) and
R4B (4.3.0), so R4B validation is R4 validation for them (see docs/fhir.md).
"""
