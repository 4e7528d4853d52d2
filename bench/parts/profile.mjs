export const needs = [];
export async function profilePart() { return []; }
