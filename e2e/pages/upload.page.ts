import type { Locator, Page } from '@playwright/test';
import { waitForHydration } from './hydration.ts';

/** /upload: a file picker (and drop zone) that uploads at once, with a progress row per file. */
export class UploadPage {
	readonly heading: Locator;
	readonly fileInput: Locator;
	readonly uploads: Locator;
	readonly summary: Locator;

	constructor(readonly page: Page) {
		const main = page.getByRole('main');
		this.heading = main.getByRole('heading', { name: 'Upload music', level: 1 });
		this.fileInput = main.getByLabel('Choose files', { exact: true });
		this.uploads = main.getByRole('region', { name: 'Uploads', exact: true });
		this.summary = this.uploads.getByText(/\d+ uploaded/);
	}

	async goto() {
		await this.page.goto('/upload');
		// Before hydration the input belongs to a plain form that posts one file on submit.
		await waitForHydration(this.page);
	}

	async choose(paths: string[]) {
		await this.fileInput.setInputFiles(paths);
	}

	/** The row of one chosen file, by file name. */
	item(fileName: string): Locator {
		return this.uploads.getByRole('listitem').filter({ hasText: fileName });
	}

	progress(fileName: string): Locator {
		return this.uploads.getByRole('progressbar', { name: `${fileName} upload`, exact: true });
	}

	/** "Waiting…", "Uploading… · 40%", "Uploaded · <title> — <artist>", "Not uploaded · <why>". */
	result(fileName: string): Locator {
		return this.item(fileName).getByTestId('upload-result');
	}
}
