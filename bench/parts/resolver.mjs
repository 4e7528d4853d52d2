export const needs = [];
export async function resolverPart() { return []; }
