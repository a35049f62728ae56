export const importedUrl: string = import.meta.url;
