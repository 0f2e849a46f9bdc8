export default async function accessibility() {}
