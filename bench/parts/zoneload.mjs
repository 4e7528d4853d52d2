export const needs = [];
export async function zoneloadPart() { return []; }
