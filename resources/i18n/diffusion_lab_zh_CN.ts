<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name></name>
    <message>
        <source>Measure guidance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Classifier accuracy, Fréchet distance, precision and recall against the guidance scale s (the sweep&apos;s scales, or 0, 1, 2, 4, 8)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished">取消</translation>
    </message>
    <message>
        <source>Samples per class at each scale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>DDIM steps (η = 0) per sample</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>per class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>share</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>classifier accuracy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>precision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>recall</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fréchet distance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Train on drawing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Train a model on the drawn points with the Experiment dock&apos;s settings; edits made while it trains continue the same run on the new points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>x̂₀ − x_t (denoising direction)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>score −ε̂/σ_t</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exact field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Orange arrows: the exact denoiser of the training points (engine.exact)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error heatmap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error vs t</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sample exact vs model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Draw points (or pick a starter), then press Train on drawing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>t</source>
        <translation type="unfinished">t</translation>
    </message>
    <message>
        <source>Memorization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Marginals over t</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Draw</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Erase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Brush radius, in the canvas&apos;s units</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Points added per stroke step (each mouse move while drawing)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Standardize</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move the drawing to the coordinates the model sees: each axis zero mean and unit std, as training on the points file does</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starter…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>smiley</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>letter A</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ring</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Density</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save what the field view shows: a PNG figure, the arrays as field.npz (as the command line&apos;s field command writes), or an animation over t</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Field and error heatmap at this t (PNG)…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Field arrays at this t (field.npz)…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Field over t (GIF)…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>NumPy arrays (*.npz)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GIF animation (*.gif)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing to export yet: train a model on the drawing first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An export is still being written.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Computing the field for {0}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ODE · DDIM η=0</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SDE · DDPM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>shared x_T</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>model</source>
        <translation type="unfinished">模型</translation>
    </message>
    <message>
        <source>exact denoiser</source>
        <translation type="unfinished">精确去噪器</translation>
    </message>
    <message>
        <source>Sample with the trained network, or with the exact denoiser of its training points (engine.exact)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How many points to follow from the same x_T</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ODE vs SDE paths</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Follow the points from one x_T with DDIM η=0 (deterministic, the probability-flow ODE) and with DDPM (stochastic, the reverse SDE)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show paths</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sample with</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compute marginals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sample {0} points with DDPM, DDIM and DPM++(2M) and measure, at each t, how far the x_t cloud is from the forward marginal q(x_t)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How far each sampler&apos;s x_t cloud is from q(x_t) (training points noised to t), at every t; the dashed floor is what two q(x_t) draws differ by.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BoundView</name>
    <message>
        <source>Compute bound</source>
        <translation>计算下界</translation>
    </message>
    <message>
        <source>Evaluate every term of the bound for the current (EMA) model on training items: one network pass per timestep</source>
        <translation>在训练样本上对当前（EMA）模型计算下界的每一项：每个时间步一次网络前向</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>items </source>
        <translation>样本数 </translation>
    </message>
    <message>
        <source>Training items the bound is averaged over</source>
        <translation>用于平均下界的训练样本数</translation>
    </message>
    <message>
        <source>all timesteps</source>
        <translation>全部时间步</translation>
    </message>
    <message>
        <source>KL terms </source>
        <translation>KL 项数 </translation>
    </message>
    <message>
        <source>Evaluate only this many evenly spaced KL terms (a cheaper estimate); all timesteps gives the bound itself</source>
        <translation>只计算这么多个均匀间隔的 KL 项（更省时的估计）；选择全部时间步则得到下界本身</translation>
    </message>
    <message>
        <source>Train a model or open a checkpoint, then Compute bound.</source>
        <translation>先训练一个模型或打开一个检查点，然后点击“计算下界”。</translation>
    </message>
    <message>
        <source>Variational bound per timestep (Ho et al. 2020, Eq. 5)</source>
        <translation>各时间步的变分下界（Ho et al. 2020, Eq. 5）</translation>
    </message>
    <message>
        <source>bits / dim</source>
        <translation>比特/维</translation>
    </message>
    <message>
        <source>timestep t</source>
        <translation>时间步 t</translation>
    </message>
    <message>
        <source>L_0 (t = 1), L_t−1 (t ≥ 2)</source>
        <translation>L_0（t = 1），L_t−1（t ≥ 2）</translation>
    </message>
    <message>
        <source>L_T (prior)</source>
        <translation>L_T（先验）</translation>
    </message>
    <message>
        <source>Computing the bound…</source>
        <translation>正在计算下界…</translation>
    </message>
    <message>
        <source>Bound cancelled.</source>
        <translation>下界计算已取消。</translation>
    </message>
    <message>
        <source>The bound failed: {message}</source>
        <translation>下界计算失败：{message}</translation>
    </message>
    <message>
        <source> (estimated from evenly spaced KL terms)</source>
        <translation>（由均匀间隔的 KL 项估计）</translation>
    </message>
    <message>
        <source>8-bit discretized decoder</source>
        <translation>8 位离散化解码器</translation>
    </message>
    <message>
        <source>Gaussian decoder: a density, may be negative, not comparable with images</source>
        <translation>高斯解码器：为密度值，可能为负，不能与图像比较</translation>
    </message>
    <message>
        <source>Total {total:.4f} ± {err:.4f} bits/dim{note} · L_T {prior:.3g} · L_0 {l0:.3g} · {decoder} · model at step {step:,}</source>
        <translation>总计 {total:.4f} ± {err:.4f} 比特/维{note} · L_T {prior:.3g} · L_0 {l0:.3g} · {decoder} · 模型位于第 {step:,} 步</translation>
    </message>
</context>
<context>
    <name>BranchBox</name>
    <message>
        <source>Branches</source>
        <translation>分支</translation>
    </message>
    <message>
        <source>Steps of the branch&apos;s timestep grid; it visits those below the branch point</source>
        <translation>分支时间步网格的步数；分支只经过分支点以下的时间步</translation>
    </message>
    <message>
        <source>DDIM stochasticity η: 0 = deterministic; only DDIM uses it</source>
        <translation>DDIM 随机性 η：0 = 确定性；仅 DDIM 使用</translation>
    </message>
    <message>
        <source>Classifier-free guidance scale of the branch; 1 = plain conditional sampling</source>
        <translation>分支的无分类器引导强度；1 = 普通条件采样</translation>
    </message>
    <message>
        <source>Seed of the branch&apos;s noise (DDPM, DDIM with η &gt; 0): a new seed, a new future from the same frame</source>
        <translation>分支噪声的随机种子（DDPM，或 η &gt; 0 的 DDIM）：换一个种子，就从同一帧得到另一种未来</translation>
    </message>
    <message>
        <source>New random seed</source>
        <translation>新的随机种子</translation>
    </message>
    <message>
        <source>Branch from here</source>
        <translation>从此处分支</translation>
    </message>
    <message>
        <source>Re-sample from the frame on the timeline with these settings; the frames before it stay the parent&apos;s</source>
        <translation>用这些设置从时间轴上的当前帧重新采样；此前的帧仍沿用父轨迹</translation>
    </message>
    <message>
        <source>Sampler</source>
        <translation>采样器</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>η</source>
        <translation>η</translation>
    </message>
    <message>
        <source>Guidance</source>
        <translation>引导</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
</context>
<context>
    <name>BranchTree</name>
    <message>
        <source>The recorded run and its branches: select one to show, scrub and export it</source>
        <translation>已记录的运行及其分支：选中一项即可显示、拖动浏览并导出</translation>
    </message>
    <message>
        <source>{sampler}-{steps} · seed {seed}</source>
        <translation>{sampler}-{steps} · 随机种子 {seed}</translation>
    </message>
    <message>
        <source>Run: {what}</source>
        <translation>运行：{what}</translation>
    </message>
    <message>
        <source>at t = {t}: {what}</source>
        <translation>于 t = {t}：{what}</translation>
    </message>
    <message>
        <source>{sampler}, {steps} steps, seed {seed}</source>
        <translation>{sampler}，{steps} 步，随机种子 {seed}</translation>
    </message>
    <message>
        <source>η = {eta:g}</source>
        <translation>η = {eta:g}</translation>
    </message>
    <message>
        <source>guidance scale {scale:g}</source>
        <translation>引导强度 {scale:g}</translation>
    </message>
    <message>
        <source>branched from step {step} (t = {t}); earlier frames are its parent&apos;s</source>
        <translation>从第 {step} 步（t = {t}）分支；更早的帧来自父轨迹</translation>
    </message>
</context>
<context>
    <name>BranchingMixin</name>
    <message>
        <source>Steps must be ≤ the model&apos;s T = {T}.</source>
        <translation>步数必须 ≤ 模型的 T = {T}。</translation>
    </message>
    <message>
        <source>Branching from step {step} with {sampler}-{steps}, seed {seed}…</source>
        <translation>正在从第 {step} 步以 {sampler}-{steps}、随机种子 {seed} 分支…</translation>
    </message>
    <message>
        <source>Branched at t = {t} ({nfe}). Scrub back to the branch point, or select another node in Branches to see it at the same t.</source>
        <translation>已在 t = {t} 处分支（{nfe}）。可拖回分支点，或在“分支”中选择其他节点，查看同一 t 下的状态。</translation>
    </message>
    <message>
        <source>From {frame}</source>
        <translation>起点：{frame}</translation>
    </message>
    <message>
        <source>The final frame is the finished sample: scrub back to branch from an earlier one.</source>
        <translation>最后一帧是生成完成的样本：请拖回更早的帧再分支。</translation>
    </message>
    <message>
        <source>Step {step} kept no exact state (long run): scrub to another step.</source>
        <translation>第 {step} 步没有保留精确状态（运行较长）：请拖到其他步。</translation>
    </message>
</context>
<context>
    <name>CompareBranchingMixin</name>
    <message>
        <source>Scrub the timeline back from the finished samples to the t to branch at.</source>
        <translation>请把时间轴从最终样本拖回到要分支的 t。</translation>
    </message>
    <message>
        <source>branch</source>
        <translation>分支</translation>
    </message>
    <message>
        <source>Branching {name} at t = {t} with seed {seed}…</source>
        <translation>正在于 t = {t} 处以随机种子 {seed} 分支 {name}…</translation>
    </message>
    <message>
        <source>Branch cancelled.</source>
        <translation>分支已取消。</translation>
    </message>
    <message>
        <source>Branch failed (see the message in the status bar).</source>
        <translation>分支失败（详见状态栏中的消息）。</translation>
    </message>
    <message>
        <source>Branched {name}: the frames before t = {t} are its parent&apos;s.</source>
        <translation>已分支 {name}：t = {t} 之前的帧来自父运行。</translation>
    </message>
</context>
<context>
    <name>CompareColumnView</name>
    <message>
        <source>Sampler steps; Heun evaluates the model twice per step but the last</source>
        <translation>采样器步数；Heun 每步评估模型两次（最后一步除外）</translation>
    </message>
    <message>
        <source>DDIM stochasticity η (only DDIM uses it)</source>
        <translation>DDIM 随机性 η（仅 DDIM 使用）</translation>
    </message>
    <message>
        <source>Seed of this column&apos;s x_T (and of its sampler&apos;s noise)</source>
        <translation>此列 x_T（及其采样器噪声）的随机种子</translation>
    </message>
    <message>
        <source>Remove this column</source>
        <translation>移除此列</translation>
    </message>
    <message>
        <source>The branch&apos;s sampler (from the branch point on)</source>
        <translation>分支所用的采样器（从分支点开始）</translation>
    </message>
    <message>
        <source>Steps of the branch&apos;s timestep grid; it visits those below the branch point</source>
        <translation>分支时间步网格的步数；分支只经过分支点以下的时间步</translation>
    </message>
    <message>
        <source>Seed of a branch&apos;s noise: a new seed, a new future from the same frame</source>
        <translation>分支噪声的随机种子：换一个种子，就从同一帧得到另一种未来</translation>
    </message>
    <message>
        <source>New random seed</source>
        <translation>新的随机种子</translation>
    </message>
    <message>
        <source>Branch from here</source>
        <translation>从此处分支</translation>
    </message>
    <message>
        <source>Re-sample this run from its frame at the timeline&apos;s t with the seed beside it, into a new column; the frames before stay this run&apos;s</source>
        <translation>用旁边的随机种子，从此运行在时间轴 t 处的帧重新采样，结果放入新的一列；此前的帧仍沿用此运行</translation>
    </message>
    <message>
        <source>press Compare</source>
        <translation>请按“对比”</translation>
    </message>
    <message>
        <source>Sampler</source>
        <translation>采样器</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>η</source>
        <translation>η</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Branch</source>
        <translation>分支</translation>
    </message>
    <message>
        <source>New seed</source>
        <translation>新种子</translation>
    </message>
    <message>
        <source>t = {t} · step {step}/{total}</source>
        <translation>t = {t} · 第 {step}/{total} 步</translation>
    </message>
    <message>
        <source>t = {t}</source>
        <translation>t = {t}</translation>
    </message>
    <message>
        <source>{sampler} · {steps} steps</source>
        <translation>{sampler} · {steps} 步</translation>
    </message>
    <message>
        <source>{head} · t = {t} · x_T, waiting for its turn</source>
        <translation>{head} · t = {t} · x_T，等待轮到它</translation>
    </message>
    <message>
        <source>{head} · t = 0 · done, waiting for the other runs</source>
        <translation>{head} · t = 0 · 已完成，等待其他运行</translation>
    </message>
    <message>
        <source>{head} · t = {t} · running…</source>
        <translation>{head} · t = {t} · 运行中…</translation>
    </message>
    <message>
        <source>{name} · t = {t} · {nfe}</source>
        <translation>{name} · t = {t} · {nfe}</translation>
    </message>
    <message>
        <source>{sampler} · {steps} steps · t = {t} · {nfe}</source>
        <translation>{sampler} · {steps} 步 · t = {t} · {nfe}</translation>
    </message>
</context>
<context>
    <name>ComparePanel</name>
    <message>
        <source>Samples per column</source>
        <extracomment>the columns a fresh tab offers: a few-step ODE sampler, a second-order one, and the full ancestral chain</extracomment>
        <translation>每列的样本数</translation>
    </message>
    <message>
        <source>Same x_T for all, seed</source>
        <translation>所有列使用相同 x_T，随机种子</translation>
    </message>
    <message>
        <source>One seed for all columns: every sampler starts from the same noise</source>
        <translation>所有列共用一个随机种子：每个采样器都从相同的噪声出发</translation>
    </message>
    <message>
        <source>The shared seed of x_T</source>
        <translation>x_T 的共享随机种子</translation>
    </message>
    <message>
        <source>x_t</source>
        <translation>x_t</translation>
    </message>
    <message>
        <source>predicted x₀</source>
        <translation>预测的 x₀</translation>
    </message>
    <message>
        <source>What each column shows</source>
        <translation>每列显示的内容</translation>
    </message>
    <message>
        <source>Add column</source>
        <translation>添加一列</translation>
    </message>
    <message>
        <source>Compare one more sampler (at most four)</source>
        <translation>再对比一个采样器（最多四个）</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>Run every column&apos;s sampler on the current model and record each run</source>
        <translation>在当前模型上运行每一列的采样器，并记录每次运行</translation>
    </message>
    <message>
        <source>Export GIF…</source>
        <translation>导出 GIF…</translation>
    </message>
    <message>
        <source>The columns side by side, one frame per t, as an animated GIF</source>
        <translation>把各列并排导出为 GIF 动画，每个 t 一帧</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Side by side</source>
        <translation>并排</translation>
    </message>
    <message>
        <source>Error vs NFE</source>
        <translation>误差 vs NFE</translation>
    </message>
    <message>
        <source>press Compare to record the runs</source>
        <translation>按“对比”以记录各次运行</translation>
    </message>
    <message>
        <source>t = {t}</source>
        <translation>t = {t}</translation>
    </message>
    <message>
        <source>t = 0 · final samples</source>
        <translation>t = 0 · 最终样本</translation>
    </message>
    <message>
        <source>drawing x_T…</source>
        <translation>正在生成 x_T…</translation>
    </message>
    <message>
        <source> (queued until training stops)</source>
        <translation>（排队中，等待训练停止）</translation>
    </message>
    <message>
        <source>Comparing {names} from seed {seed}{note}…</source>
        <translation>正在从随机种子 {seed} 对比 {names}{note}…</translation>
    </message>
    <message>
        <source>Export comparison</source>
        <translation>导出对比</translation>
    </message>
    <message>
        <source>GIF (*.gif)</source>
        <translation>GIF (*.gif)</translation>
    </message>
    <message>
        <source>Writing {path}…</source>
        <translation>正在写入 {path}…</translation>
    </message>
    <message>
        <source>Exported {summary}</source>
        <translation>已导出 {summary}</translation>
    </message>
    <message>
        <source>Ready: {dataset} model at step {step:,}. Choose the samplers and press Compare.</source>
        <translation>就绪：{dataset} 模型，第 {step:,} 步。选择采样器后按“对比”。</translation>
    </message>
    <message>
        <source>run {run}/{runs}</source>
        <translation>第 {run}/{runs} 次运行</translation>
    </message>
    <message>
        <source>cancelled: press Compare</source>
        <translation>已取消：请按“对比”</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Comparison cancelled: nothing recorded.</source>
        <translation>对比已取消：没有记录任何内容。</translation>
    </message>
    <message>
        <source>Comparison failed (see the message in the status bar).</source>
        <translation>对比失败（详见状态栏中的消息）。</translation>
    </message>
    <message>
        <source>Recorded {names}. Scrub the timeline: every column shows its state at the same t.</source>
        <translation>已记录 {names}。拖动时间轴：每一列都显示同一 t 下的状态。</translation>
    </message>
    <message>
        <source>No model yet: train one in the Training tab or open a checkpoint, then compare samplers here.</source>
        <translation>还没有模型：请在“训练”页训练一个或打开检查点，然后在这里对比采样器。</translation>
    </message>
</context>
<context>
    <name>ConfigDiffTable</name>
    <message>
        <source>These runs share every setting</source>
        <translation>这些运行的所有设置都相同</translation>
    </message>
    <message>
        <source>The settings that differ between the compared runs</source>
        <translation>所对比的运行之间不同的设置</translation>
    </message>
</context>
<context>
    <name>DrawingTools</name>
    <message>
        <source>Save drawing</source>
        <translation>保存绘图</translation>
    </message>
    <message>
        <source>Points (*.csv *.points.npy)</source>
        <translation>点集 (*.csv *.points.npy)</translation>
    </message>
    <message>
        <source>Draw at least 2 points first.</source>
        <translation>请先绘制至少 2 个点。</translation>
    </message>
    <message>
        <source>Cannot save: {0}</source>
        <translation>无法保存：{0}</translation>
    </message>
    <message>
        <source>Saved {0} points to {1} (train it with: diffusion-lab train --dataset {1})</source>
        <translation>已将 {0} 个点保存到 {1}（可用以下命令训练：diffusion-lab train --dataset {1}）</translation>
    </message>
    <message>
        <source>Open points</source>
        <translation>打开点集</translation>
    </message>
    <message>
        <source>Points (*.csv *.txt *.points.npy)</source>
        <translation>点集 (*.csv *.txt *.points.npy)</translation>
    </message>
</context>
<context>
    <name>ErrorCurvePlot</name>
    <message>
        <source>t</source>
        <translation>t</translation>
    </message>
    <message>
        <source>mean |x̂₀ − x̂₀ exact|</source>
        <translation>平均 |x̂₀ − 精确 x̂₀|</translation>
    </message>
</context>
<context>
    <name>ErrorVsStepsPlot</name>
    <message>
        <source>K (DDIM steps each way)</source>
        <translation>K（单程 DDIM 步数）</translation>
    </message>
    <message>
        <source>round-trip RMSE</source>
        <translation>往返 RMSE</translation>
    </message>
    <message>
        <source>Error vs K: the round trip repeated for each K in the list</source>
        <translation>误差 vs K：对列表中的每个 K 重复往返</translation>
    </message>
    <message>
        <source>fitted order p = {p:.2f} (RMSE ~ K^-p; 1 for DDIM, a first-order method)</source>
        <translation>拟合阶数 p = {p:.2f}（RMSE ~ K^-p；DDIM 为一阶方法，p = 1）</translation>
    </message>
    <message>
        <source>Give two or more K to fit the order.</source>
        <translation>请给出两个或更多 K 以拟合阶数。</translation>
    </message>
</context>
<context>
    <name>ExperimentFiles</name>
    <message>
        <source>Part of the experiment was not restored</source>
        <translation>实验的部分内容未能恢复</translation>
    </message>
    <message>
        <source>{0}

{1}

The rest of the experiment opened.</source>
        <translation>{0}

{1}

实验的其余部分已打开。</translation>
    </message>
</context>
<context>
    <name>FieldView</name>
    <message>
        <source>x (standardized: what the model sees)</source>
        <translation>x（标准化后：模型看到的坐标）</translation>
    </message>
</context>
<context>
    <name>GuidanceControls</name>
    <message>
        <source>The class to draw; “all classes” draws each in turn, one grid row per class when Samples is a multiple of the number of classes</source>
        <translation>要生成的类别；“所有类别”会依次生成每个类别，当样本数是类别数的整数倍时，每个类别占网格的一行</translation>
    </message>
    <message>
        <source>Classifier-free guidance scale s (Ho &amp; Salimans 2022): larger s gives more typical, less diverse samples of the class</source>
        <translation>无分类器引导强度 s（Ho &amp; Salimans 2022）：s 越大，样本越典型、多样性越低</translation>
    </message>
    <message>
        <source>Guide away from this class instead of away from the unconditional model (a negative prompt); with class “none” it draws anything but this class</source>
        <translation>引导远离此类别，而不是远离无条件模型（即负向提示）；类别为“无”时，生成除此类别以外的任意样本</translation>
    </message>
    <message>
        <source>e.g. 0, 1, 2, 4, 8</source>
        <translation>例如 0, 1, 2, 4, 8</translation>
    </message>
    <message>
        <source>Guidance sweep: one grid row per scale s, one column per class, every row from the same x_T (replaces Samples, Class and Guidance s); the reverse process exports like any run. Empty = off</source>
        <translation>引导强度扫描：每个强度 s 占网格一行，每个类别占一列，每行都从相同的 x_T 出发（取代样本数、类别和引导强度 s）；反向去噪过程可像普通运行一样导出。留空 = 关闭</translation>
    </message>
    <message>
        <source>s = 1: conditional · s = 0: unconditional · s = 1 + w (Ho &amp; Salimans)</source>
        <translation>s = 1：条件 · s = 0：无条件 · s = 1 + w（Ho &amp; Salimans）</translation>
    </message>
    <message>
        <source>The guided noise prediction each sampler step uses</source>
        <translation>采样器每一步使用的引导后噪声预测</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Guidance s</source>
        <translation>引导强度 s</translation>
    </message>
    <message>
        <source>Negative class</source>
        <translation>负向类别</translation>
    </message>
    <message>
        <source>Sweep s</source>
        <translation>扫描 s</translation>
    </message>
    <message>
        <source>all classes (one row each)</source>
        <translation>所有类别（每类一行）</translation>
    </message>
    <message>
        <source>none (unconditional)</source>
        <translation>无（无条件）</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Sweep s {message}.</source>
        <translation>扫描 s {message}。</translation>
    </message>
    <message>
        <source>The negative class must differ from the class (guiding away from the class itself cancels the guidance).</source>
        <translation>负向类别必须与类别不同（引导远离类别本身会抵消引导）。</translation>
    </message>
    <message>
        <source> (sweep: a row per s = {rows}, a column per class)</source>
        <translation>（扫描：每个 s = {rows} 一行，每个类别一列）</translation>
    </message>
    <message>
        <source>all classes</source>
        <translation>所有类别</translation>
    </message>
    <message>
        <source>no class</source>
        <translation>无类别</translation>
    </message>
    <message>
        <source>class {k}</source>
        <translation>类别 {k}</translation>
    </message>
    <message>
        <source>{what}, s = {s:g}</source>
        <translation>{what}，s = {s:g}</translation>
    </message>
    <message>
        <source>, away from {j}</source>
        <translation>，远离 {j}</translation>
    </message>
</context>
<context>
    <name>GuidanceField</name>
    <message>
        <source>Guidance field</source>
        <translation>引导场</translation>
    </message>
    <message>
        <source>Show the conditional (class c), unconditional and guided fields at t</source>
        <translation>显示 t 处的条件场（类别 c）、无条件场和引导场</translation>
    </message>
    <message>
        <source>s = 1 + w (Ho &amp; Salimans 2022): 0 unconditional, 1 conditional</source>
        <translation>s = 1 + w（Ho &amp; Salimans 2022）：0 为无条件，1 为条件</translation>
    </message>
    <message>
        <source>class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>s</source>
        <translation>s</translation>
    </message>
    <message>
        <source>conditional ({0})</source>
        <translation>条件（{0}）</translation>
    </message>
    <message>
        <source>unconditional</source>
        <translation>无条件</translation>
    </message>
    <message>
        <source>guided, s = {0:g}</source>
        <translation>引导，s = {0:g}</translation>
    </message>
</context>
<context>
    <name>GuidanceMeasure</name>
    <message>
        <source>guidance scale s</source>
        <translation>引导强度 s</translation>
    </message>
    <message>
        <source>The trade-off is scored by a digits classifier, so it needs a conditional digits model; on a 2-D set, see the Guidance field in the 2-D lab.</source>
        <translation>这一权衡由手写数字分类器评分，因此需要类别条件的手写数字模型；对二维数据集，请使用二维实验室中的“引导”字段。</translation>
    </message>
    <message>
        <source>measuring {0} scales …</source>
        <translation>正在测量 {0} 个引导强度 …</translation>
    </message>
    <message>
        <source>cancelled after {0} scales</source>
        <translation>已在 {0} 个引导强度后取消</translation>
    </message>
    <message>
        <source>{0} samples per scale, model step {1}</source>
        <translation>每个强度 {0} 个样本，模型第 {1} 步</translation>
    </message>
</context>
<context>
    <name>InversionImages</name>
    <message>
        <source>x₀ (input)</source>
        <translation>x₀（输入）</translation>
    </message>
    <message>
        <source>x_T (inverted, shown over ±3)</source>
        <translation>x_T（反演结果，按 ±3 显示）</translation>
    </message>
    <message>
        <source>reconstruction x₀′</source>
        <translation>重建 x₀′</translation>
    </message>
    <message>
        <source>error |x₀′ − x₀|</source>
        <translation>误差 |x₀′ − x₀|</translation>
    </message>
    <message>
        <source>press Invert</source>
        <translation>请按“反演”</translation>
    </message>
    <message>
        <source>dark = exact · brightest = {top:.3g}</source>
        <translation>暗 = 精确 · 最亮 = {top:.3g}</translation>
    </message>
</context>
<context>
    <name>InversionPanel</name>
    <message>
        <source>K: DDIM steps from x₀ up to x_T, and (by default) back down</source>
        <translation>K：从 x₀ 到 x_T 的 DDIM 步数，（默认）也是返回的步数</translation>
    </message>
    <message>
        <source>back with the same K</source>
        <translation>以相同的 K 返回</translation>
    </message>
    <message>
        <source>Untick to reconstruct with another number of steps and see the mismatch</source>
        <translation>取消勾选可用不同的步数重建，并观察不匹配的影响</translation>
    </message>
    <message>
        <source>DDIM steps of the way back (x_T to x₀′)</source>
        <translation>返回（x_T 到 x₀′）的 DDIM 步数</translation>
    </message>
    <message>
        <source>How many items of the model&apos;s training data to invert</source>
        <translation>要反演的模型训练数据样本数</translation>
    </message>
    <message>
        <source>The first training item to invert (e.g. another digit)</source>
        <translation>要反演的第一个训练样本（例如换一个数字）</translation>
    </message>
    <message>
        <source>The round trip is repeated for each K here, for the error-vs-K chart (empty: skip)</source>
        <translation>对这里的每个 K 重复往返，用于“误差 vs K”图（留空：跳过）</translation>
    </message>
    <message>
        <source>Invert</source>
        <translation>反演</translation>
    </message>
    <message>
        <source>Take the items to x_T with DDIM inversion and back, and measure the error</source>
        <translation>用 DDIM 反演把样本变到 x_T 再返回，并测量误差</translation>
    </message>
    <message>
        <source>K</source>
        <translation>K</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>from</source>
        <translation>起始序号</translation>
    </message>
    <message>
        <source>Error vs K</source>
        <translation>误差 vs K</translation>
    </message>
    <message>
        <source>the Inversion tab has no timeline: press Invert</source>
        <translation>反演页没有时间轴：请按“反演”</translation>
    </message>
    <message>
        <source>Inverting {n} items over K = {k} steps…</source>
        <translation>正在以 K = {k} 步反演 {n} 个样本…</translation>
    </message>
    <message>
        <source>Ready: {dataset} model at step {step:,}. Choose K and the items, then press Invert.</source>
        <translation>就绪：{dataset} 模型，第 {step:,} 步。选择 K 和样本，然后按“反演”。</translation>
    </message>
    <message>
        <source>Inversion cancelled.</source>
        <translation>反演已取消。</translation>
    </message>
    <message>
        <source>Inversion failed (see the message in the status bar).</source>
        <translation>反演失败（详见状态栏中的消息）。</translation>
    </message>
    <message>
        <source>, {b} back</source>
        <translation>，返回 {b} 步</translation>
    </message>
    <message>
        <source>K = {k}{back}: round-trip RMSE {rmse:.3g}, worst item {worst:.3g}. Fewer steps give a larger error (see Error vs K).</source>
        <translation>K = {k}{back}：往返 RMSE {rmse:.3g}，最差样本 {worst:.3g}。步数越少，误差越大（见“误差 vs K”）。</translation>
    </message>
    <message>
        <source>No model yet: train one in the Training tab or open a checkpoint, then invert its data here.</source>
        <translation>还没有模型：请在“训练”页训练一个或打开检查点，然后在这里反演它的数据。</translation>
    </message>
</context>
<context>
    <name>InversionPoints</name>
    <message>
        <source>x₀ (grey) → x₀′ (colour: error, yellow = worst)</source>
        <translation>x₀（灰色）→ x₀′（颜色：误差，黄色 = 最差）</translation>
    </message>
    <message>
        <source>inverted latents x_T</source>
        <translation>反演得到的隐变量 x_T</translation>
    </message>
</context>
<context>
    <name>Lab2D</name>
    <message>
        <source>DDPM (SDE)</source>
        <translation>DDPM (SDE)</translation>
    </message>
    <message>
        <source>DDIM η=0 (ODE)</source>
        <translation>DDIM η=0 (ODE)</translation>
    </message>
    <message>
        <source>DPM++(2M)</source>
        <translation>DPM++(2M)</translation>
    </message>
    <message>
        <source>floor (two q(x_t) draws)</source>
        <translation>基准下限（两次 q(x_t) 抽样）</translation>
    </message>
</context>
<context>
    <name>Lab2DExport</name>
    <message>
        <source>Writing {0}…</source>
        <translation>正在写入 {0}…</translation>
    </message>
    <message>
        <source>Exported {0}</source>
        <translation>已导出 {0}</translation>
    </message>
</context>
<context>
    <name>Lab2DPanel</name>
    <message>
        <source>Draw at least 2 points first.</source>
        <translation>请先绘制至少 2 个点。</translation>
    </message>
    <message>
        <source>Training continues on the current drawing.</source>
        <translation>训练将在当前绘图上继续。</translation>
    </message>
    <message>
        <source>Another training run is in progress; stop it first.</source>
        <translation>另一个训练运行正在进行；请先停止它。</translation>
    </message>
    <message>
        <source>Training on {0} drawn points; edit the drawing to continue on new points.</source>
        <translation>正在 {0} 个绘制的点上训练；编辑绘图可在新的点上继续。</translation>
    </message>
    <message>
        <source>t = {0} / {1}</source>
        <translation>t = {0} / {1}</translation>
    </message>
    <message>
        <source>mean |x̂₀ − exact| = {0:.4f}</source>
        <translation>平均 |x̂₀ − 精确| = {0:.4f}</translation>
    </message>
    <message>
        <source>median distance to the nearest of {0} training points: exact {1:.3f}, model {2:.3f}</source>
        <translation>到 {0} 个训练点中最近者的距离中位数：精确 {1:.3f}，模型 {2:.3f}</translation>
    </message>
    <message>
        <source>Now training on the edited drawing ({0} points) from step {1}.</source>
        <translation>从第 {1} 步起在编辑后的绘图（{0} 个点）上训练。</translation>
    </message>
    <message>
        <source>sampling …</source>
        <translation>正在采样…</translation>
    </message>
    <message>
        <source>{0} points</source>
        <translation>{0} 个点</translation>
    </message>
</context>
<context>
    <name>LossByTView</name>
    <message>
        <source>Loss by timestep over training</source>
        <translation>训练过程中各时间步的损失</translation>
    </message>
    <message>
        <source>timestep t</source>
        <translation>时间步 t</translation>
    </message>
    <message>
        <source>optimizer step</source>
        <translation>优化器步</translation>
    </message>
    <message>
        <source>mean loss</source>
        <translation>平均损失</translation>
    </message>
    <message>
        <source>log colour</source>
        <translation>对数着色</translation>
    </message>
    <message>
        <source>Colour by log₁₀ of the loss: the small losses at large t stay visible</source>
        <translation>按损失的 log₁₀ 着色：大 t 处的小损失也能看清</translation>
    </message>
    <message>
        <source>Train a model: each column is the mean per-sample loss of a few steps, in bins of t. Hover for values.</source>
        <translation>请训练一个模型：每一列是若干步内按 t 分箱的逐样本平均损失。悬停可查看数值。</translation>
    </message>
    <message>
        <source>log₁₀ mean loss</source>
        <translation>log₁₀ 平均损失</translation>
    </message>
    <message>
        <source>no sample</source>
        <translation>无样本</translation>
    </message>
    <message>
        <source>t {a}–{b} · steps {s0}–{s1} · mean loss {v} ({n} samples)</source>
        <translation>t {a}–{b} · 第 {s0}–{s1} 步 · 平均损失 {v}（{n} 个样本）</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Experiment</source>
        <translation>实验</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>噪声调度</translation>
    </message>
    <message>
        <source>Forward</source>
        <translation>前向扩散</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>采样</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>2-D lab</source>
        <translation>二维实验室</translation>
    </message>
    <message>
        <source>Inversion</source>
        <translation>反演</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行记录</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>时间轴</translation>
    </message>
    <message>
        <source>the engine worker could not start ({0})</source>
        <translation>引擎工作线程无法启动（{0}）</translation>
    </message>
    <message>
        <source>Open checkpoint</source>
        <translation>打开检查点</translation>
    </message>
    <message>
        <source>Checkpoints (*.safetensors *.ckpt *.pt);;All files (*)</source>
        <translation>检查点 (*.safetensors *.ckpt *.pt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Checkpoints are opened by the Training tab, which is unavailable: {0}</source>
        <translation>检查点由“训练”标签页打开，但该标签页不可用：{0}</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>There is nothing to export on the {0} tab yet.</source>
        <translation>“{0}”标签页还没有可导出的内容。</translation>
    </message>
    <message>
        <source>Fix the invalid experiment values before training</source>
        <translation>请先修正无效的实验参数再开始训练</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>开始训练</translation>
    </message>
    <message>
        <source>The Training tab is unavailable: {0}</source>
        <translation>“训练”标签页不可用：{0}</translation>
    </message>
    <message>
        <source>Already training: pause or stop the current run first</source>
        <translation>正在训练：请先暂停或停止当前运行</translation>
    </message>
    <message>
        <source>About Diffusion Lab</source>
        <translation>关于 Diffusion Lab</translation>
    </message>
</context>
<context>
    <name>MarginalsPlot</name>
    <message>
        <source>t</source>
        <translation>t</translation>
    </message>
    <message>
        <source>sliced W₂ to q(x_t)</source>
        <translation>到 q(x_t) 的切片 W₂ 距离</translation>
    </message>
</context>
<context>
    <name>NearestHistogram</name>
    <message>
        <source>distance to the nearest training point</source>
        <translation>到最近训练点的距离</translation>
    </message>
    <message>
        <source>samples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>exact denoiser</source>
        <translation>精确去噪器</translation>
    </message>
    <message>
        <source>model</source>
        <translation>模型</translation>
    </message>
</context>
<context>
    <name>NfeStudyView</name>
    <message>
        <source>Samples per run (every run starts from the same x_T)</source>
        <translation>每次运行的样本数（每次运行都从相同的 x_T 出发）</translation>
    </message>
    <message>
        <source>The seed of the shared x_T</source>
        <translation>共享 x_T 的随机种子</translation>
    </message>
    <message>
        <source>Model evaluations per run, e.g. 10, 20, 50 (Heun gets the nearest odd count: it evaluates twice per step but the last)</source>
        <translation>每次运行的模型评估次数，例如 10, 20, 50（Heun 取最接近的奇数：它每步评估两次，最后一步除外）</translation>
    </message>
    <message>
        <source>exact answer</source>
        <translation>精确解</translation>
    </message>
    <message>
        <source>model&apos;s T-step run</source>
        <translation>模型的 T 步运行</translation>
    </message>
    <message>
        <source>What the RMSE is measured against. Exact answer (2-D sets): the training points&apos; own probability-flow ODE solved finely, so the error includes the model&apos;s own (the curves flatten onto it). The model&apos;s T-step run from the same x_T: the sampler&apos;s discretization error alone, whose slope is its order.</source>
        <translation>RMSE 的参照。精确解（二维数据集）：对训练点自身的概率流 ODE 进行精细求解，因此误差包含模型自身的误差（曲线会趋平于此）。模型从相同 x_T 出发的 T 步运行：仅为采样器的离散化误差，其斜率即为阶数。</translation>
    </message>
    <message>
        <source>Compute</source>
        <translation>计算</translation>
    </message>
    <message>
        <source>Run every sampler at each NFE on the current model (off the window&apos;s thread; cached per model and settings)</source>
        <translation>在当前模型上以每个 NFE 运行每个采样器（不占用窗口线程；按模型和设置缓存）</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>NFE</source>
        <translation>NFE</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>参照</translation>
    </message>
    <message>
        <source>Error of the final samples</source>
        <translation>最终样本的误差</translation>
    </message>
    <message>
        <source>RMSE</source>
        <translation>RMSE</translation>
    </message>
    <message>
        <source>Distance to real data</source>
        <translation>与真实数据的距离</translation>
    </message>
    <message>
        <source>metric</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>NFE (model evaluations)</source>
        <translation>NFE（模型评估次数）</translation>
    </message>
    <message>
        <source>real data</source>
        <translation>真实数据</translation>
    </message>
    <message>
        <source>NFE: give at least two different whole numbers between 1 and {T}, e.g. 10, 20, 50.</source>
        <translation>NFE：请给出至少两个 1 到 {T} 之间的不同整数，例如 10, 20, 50。</translation>
    </message>
    <message>
        <source>From the cache: the same model and settings were measured before.</source>
        <translation>来自缓存：相同的模型和设置之前已测量过。</translation>
    </message>
    <message>
        <source> (queued until training stops)</source>
        <translation>（排队中，等待训练停止）</translation>
    </message>
    <message>
        <source>Running {count} samplers at NFE {nfe}{note}…</source>
        <translation>正在以 NFE {nfe} 运行 {count} 个采样器{note}…</translation>
    </message>
    <message>
        <source>Press Compute: every sampler at each NFE from one x_T, its error against the reference and its distance to real data.</source>
        <translation>按“计算”：从同一个 x_T 出发，以每个 NFE 运行每个采样器，得到它相对参照的误差及与真实数据的距离。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>Failed (see the message in the status bar).</source>
        <translation>失败（详见状态栏中的消息）。</translation>
    </message>
    <message>
        <source>the exact answer of the training points (so a learned model&apos;s curve flattens at its own error)</source>
        <translation>训练点的精确解（因此学得模型的曲线会在其自身误差处趋平）</translation>
    </message>
    <message>
        <source>the model&apos;s own {T}-step run from the same x_T (DDPM: DDPM-{T} with the same noise)</source>
        <translation>模型自身从相同 x_T 出发的 {T} 步运行（DDPM：使用相同噪声的 DDPM-{T}）</translation>
    </message>
    <message>
        <source>; real-data floor {floor:.4g}</source>
        <translation>；真实数据基准下限 {floor:.4g}</translation>
    </message>
    <message>
        <source>Model at step {step:,}. RMSE against {reference}. Slope = fitted order p of error ~ NFE^-p{floor}.</source>
        <translation>模型位于第 {step:,} 步。RMSE 的参照为{reference}。斜率 = 误差 ~ NFE^-p 的拟合阶数 p{floor}。</translation>
    </message>
    <message>
        <source>{name} · order n/a</source>
        <translation>{name} · 无法拟合阶数</translation>
    </message>
    <message>
        <source>{name} · order {order:.2f}</source>
        <translation>{name} · 阶数 {order:.2f}</translation>
    </message>
    <message>
        <source>No model yet: train one in the Training tab or open a checkpoint.</source>
        <translation>还没有模型：请在“训练”页训练一个或打开检查点。</translation>
    </message>
</context>
<context>
    <name>PreviewCard</name>
    <message>
        <source>one row per class</source>
        <translation>每个类别一行</translation>
    </message>
    <message>
        <source>one colour per class</source>
        <translation>每个类别一种颜色</translation>
    </message>
</context>
<context>
    <name>RunCurves</name>
    <message>
        <source>Align by step</source>
        <translation>按步数对齐</translation>
    </message>
    <message>
        <source>Align by wall time</source>
        <translation>按实际用时对齐</translation>
    </message>
    <message>
        <source>Overlay the runs by optimizer step, or by seconds since each run started (which run learns faster in real time)</source>
        <translation>按优化器步数，或按各运行开始后的秒数叠加各运行（看哪个运行在实际时间中学得更快）</translation>
    </message>
    <message>
        <source>Training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Sample quality</source>
        <translation>样本质量</translation>
    </message>
    <message>
        <source>× real-data floor</source>
        <translation>× 真实数据基准下限</translation>
    </message>
    <message>
        <source>real data</source>
        <translation>真实数据</translation>
    </message>
    <message>
        <source>quality.csv: how far the samples are from real data, as a multiple of what real data scores (1.0 = as good as real data; lower is better)</source>
        <translation>quality.csv：样本与真实数据的差距，以真实数据自身得分的倍数表示（1.0 = 与真实数据一样好；越低越好）</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Open run folders (File › Compare runs…) and tick them in the list to overlay their curves.</source>
        <translation>打开运行文件夹（文件 › 对比运行…），并在列表中勾选它们以叠加其曲线。</translation>
    </message>
    <message>
        <source>seconds since the run started</source>
        <translation>运行开始后的秒数</translation>
    </message>
    <message>
        <source>optimizer step</source>
        <translation>优化器步数</translation>
    </message>
</context>
<context>
    <name>RunsPanel</name>
    <message>
        <source>Recent runs: tick the ones to compare</source>
        <translation>最近的运行：勾选要对比的运行</translation>
    </message>
    <message>
        <source>Add runs…</source>
        <translation>添加运行…</translation>
    </message>
    <message>
        <source>Open run folders, or a folder holding runs (File › Compare runs…)</source>
        <translation>打开运行文件夹，或包含多个运行的文件夹（文件 › 对比运行…）</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Take the selected run off the list (its folder is not touched)</source>
        <translation>从列表中移除所选运行（不会改动其文件夹）</translation>
    </message>
    <message>
        <source>Continue training</source>
        <translation>继续训练</translation>
    </message>
    <message>
        <source>Load the selected run&apos;s checkpoint; Start on the Training tab continues it</source>
        <translation>加载所选运行的检查点；在训练页点击开始即可继续训练</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>采样</translation>
    </message>
    <message>
        <source>Load the selected run&apos;s checkpoint and go to the Sampling tab</source>
        <translation>加载所选运行的检查点并转到采样页</translation>
    </message>
    <message>
        <source>Tick runs to compare them.</source>
        <translation>勾选运行以进行对比。</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行记录</translation>
    </message>
    <message>
        <source>Settings that differ</source>
        <translation>不同的设置</translation>
    </message>
    <message>
        <source>Compare runs: pick run folders, or a folder holding runs</source>
        <translation>对比运行：选择运行文件夹，或包含多个运行的文件夹</translation>
    </message>
    <message>
        <source>Reading {0} folder(s)…</source>
        <translation>正在读取 {0} 个文件夹…</translation>
    </message>
    <message>
        <source>{0} (missing)</source>
        <translation>{0}（缺失）</translation>
    </message>
    <message>
        <source>Folder not found: {0}</source>
        <translation>找不到文件夹：{0}</translation>
    </message>
    <message>
        <source>{0} (unreadable)</source>
        <translation>{0}（无法读取）</translation>
    </message>
    <message>
        <source>{0} · {1} · {2:,} steps</source>
        <translation>{0} · {1} · {2:,} 步</translation>
    </message>
    <message>
        <source>{0} run(s) compared. Select one to continue training or sample it.</source>
        <translation>正在对比 {0} 个运行。选择其中一个可继续训练或进行采样。</translation>
    </message>
    <message>
        <source>{0}: no latest samples ({1})</source>
        <translation>{0}：没有最新样本（{1}）</translation>
    </message>
    <message>
        <source>Select a run that has a checkpoint.safetensors first.</source>
        <translation>请先选择一个带有 checkpoint.safetensors 的运行。</translation>
    </message>
</context>
<context>
    <name>SampleStrip</name>
    <message>
        <source>Training step: each run shows its preview nearest to it</source>
        <translation>训练步数：每个运行显示最接近该步数的预览</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>drawing the latest samples…</source>
        <translation>正在生成最新样本…</translation>
    </message>
    <message>
        <source>no previews saved</source>
        <translation>未保存预览</translation>
    </message>
    <message>
        <source>step {0:,}</source>
        <translation>第 {0:,} 步</translation>
    </message>
</context>
<context>
    <name>SamplerStudy</name>
    <message>
        <source>Following {0} points with the {1} …</source>
        <translation>正在用{1}跟踪 {0} 个点…</translation>
    </message>
    <message>
        <source>sampling with the {0} …</source>
        <translation>正在用{0}采样…</translation>
    </message>
    <message>
        <source>{0} points from one x_T: the ODE paths (cyan) are smooth and deterministic, the SDE paths (magenta) jitter with fresh noise each step; the dots show where each is at the field&apos;s t.</source>
        <translation>从同一个 x_T 出发的 {0} 个点：ODE 轨迹（青色）平滑且确定，SDE 轨迹（品红色）因每步加入新噪声而抖动；圆点表示各自在场的 t 处的位置。</translation>
    </message>
    <message>
        <source>exact denoiser</source>
        <translation>精确去噪器</translation>
    </message>
    <message>
        <source>model at step {0}</source>
        <translation>第 {0} 步的模型</translation>
    </message>
    <message>
        <source>{0}, at t = 0 against the data: {1}</source>
        <translation>{0}，在 t = 0 处与数据相比：{1}</translation>
    </message>
</context>
<context>
    <name>SamplingPanel</name>
    <message>
        <source>Sampler steps (≤ the model&apos;s T): one model evaluation each, two for Heun</source>
        <translation>采样器步数（≤ 模型的 T）：每步一次模型评估，Heun 为两次</translation>
    </message>
    <message>
        <source>DDIM stochasticity η: 0 = deterministic, 1 = DDPM-like noise (Song et al. Eq. 16); only DDIM uses it</source>
        <translation>DDIM 随机性 η：0 = 确定性，1 = 类似 DDPM 的噪声（Song et al. Eq. 16）；仅 DDIM 使用</translation>
    </message>
    <message>
        <source>Model evaluations (NFE) the run used</source>
        <translation>本次运行使用的模型评估次数 (NFE)</translation>
    </message>
    <message>
        <source>Branching cancelled.</source>
        <translation>分支已取消。</translation>
    </message>
    <message>
        <source>Sampling cancelled.</source>
        <translation>采样已取消。</translation>
    </message>
    <message>
        <source> The previous trajectory is still shown.</source>
        <translation>仍显示之前的轨迹。</translation>
    </message>
    <message>
        <source>Branching failed (see the message in the status bar).</source>
        <translation>分支失败（详见状态栏中的消息）。</translation>
    </message>
    <message>
        <source>Sampling failed (see the message in the status bar).</source>
        <translation>采样失败（详见状态栏中的消息）。</translation>
    </message>
</context>
<context>
    <name>Theme</name>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
</context>
<context>
    <name>TrainingViews</name>
    <message>
        <source>Curves</source>
        <translation>曲线</translation>
    </message>
    <message>
        <source>Loss by t over training</source>
        <translation>训练过程中各 t 的损失</translation>
    </message>
    <message>
        <source>Variational bound</source>
        <translation>变分下界</translation>
    </message>
    <message>
        <source>Which noise levels the network learns first, and where learning stalls</source>
        <translation>网络先学会哪些噪声水平，又在哪里学习停滞</translation>
    </message>
    <message>
        <source>Ho et al. (2020) Eq. 5: the bound on −log p(x₀), term by term, in bits/dim</source>
        <translation>Ho et al. (2020) Eq. 5：−log p(x₀) 的上界，逐项显示，单位为比特/维</translation>
    </message>
</context>
<context>
    <name>WindowMenus</name>
    <message>
        <source>Play / pause the timeline</source>
        <translation>播放 / 暂停时间轴</translation>
    </message>
    <message>
        <source>Step the timeline back / forward</source>
        <translation>时间轴后退 / 前进一步</translation>
    </message>
    <message>
        <source>First / last timeline position</source>
        <translation>时间轴的第一个 / 最后一个位置</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>New experiment</source>
        <translation>新建实验</translation>
    </message>
    <message>
        <source>Open experiment</source>
        <translation>打开实验</translation>
    </message>
    <message>
        <source>Save experiment</source>
        <translation>保存实验</translation>
    </message>
    <message>
        <source>Save experiment as</source>
        <translation>实验另存为</translation>
    </message>
    <message>
        <source>Export from the current tab</source>
        <translation>从当前标签页导出</translation>
    </message>
    <message>
        <source>Schedule, Forward, Training, Sampling tab</source>
        <translation>噪声调度、前向扩散、训练、采样标签页</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>&amp;1 Schedule</source>
        <translation>&amp;1 噪声调度</translation>
    </message>
    <message>
        <source>&amp;2 Forward</source>
        <translation>&amp;2 前向扩散</translation>
    </message>
    <message>
        <source>&amp;3 Training</source>
        <translation>&amp;3 训练</translation>
    </message>
    <message>
        <source>&amp;4 Sampling</source>
        <translation>&amp;4 采样</translation>
    </message>
    <message>
        <source>&amp;New experiment</source>
        <translation>新建实验(&amp;N)</translation>
    </message>
    <message>
        <source>Start from the default experiment</source>
        <translation>从默认实验开始</translation>
    </message>
    <message>
        <source>&amp;Open experiment…</source>
        <translation>打开实验(&amp;O)…</translation>
    </message>
    <message>
        <source>Open an experiment file (.json)</source>
        <translation>打开实验文件 (.json)</translation>
    </message>
    <message>
        <source>&amp;Save experiment</source>
        <translation>保存实验(&amp;S)</translation>
    </message>
    <message>
        <source>Save the experiment</source>
        <translation>保存当前实验</translation>
    </message>
    <message>
        <source>Save experiment &amp;as…</source>
        <translation>实验另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>Save the experiment under a new name</source>
        <translation>以新文件名保存实验</translation>
    </message>
    <message>
        <source>Open &amp;checkpoint…</source>
        <translation>打开检查点(&amp;C)…</translation>
    </message>
    <message>
        <source>Load a trained model checkpoint</source>
        <translation>加载已训练模型的检查点</translation>
    </message>
    <message>
        <source>Compare &amp;runs…</source>
        <translation>对比运行(&amp;R)…</translation>
    </message>
    <message>
        <source>Open several run folders and compare their curves and samples (Runs tab)</source>
        <translation>打开多个运行文件夹，对比它们的曲线和样本（运行记录标签页）</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <source>Export what the current tab shows</source>
        <translation>导出当前标签页显示的内容</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Quit Diffusion Lab</source>
        <translation>退出 Diffusion Lab</translation>
    </message>
    <message>
        <source>&amp;Train</source>
        <translation>训练(&amp;T)</translation>
    </message>
    <message>
        <source>Train a model with this experiment (Ctrl+Enter)</source>
        <translation>用此实验训练模型 (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>&amp;Play / pause</source>
        <translation>播放 / 暂停(&amp;P)</translation>
    </message>
    <message>
        <source>Play or pause the timeline</source>
        <translation>播放或暂停时间轴</translation>
    </message>
    <message>
        <source>Step &amp;back</source>
        <translation>后退一步(&amp;B)</translation>
    </message>
    <message>
        <source>Previous position</source>
        <translation>上一个位置</translation>
    </message>
    <message>
        <source>Step &amp;forward</source>
        <translation>前进一步(&amp;F)</translation>
    </message>
    <message>
        <source>Next position</source>
        <translation>下一个位置</translation>
    </message>
    <message>
        <source>&amp;First position</source>
        <translation>第一个位置(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Last position</source>
        <translation>最后一个位置(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;About Diffusion Lab</source>
        <translation>关于 Diffusion Lab(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>&amp;Experiment panel</source>
        <translation>实验面板(&amp;E)</translation>
    </message>
    <message>
        <source>T&amp;imeline</source>
        <translation>时间轴(&amp;I)</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>A desktop lab for training small denoising diffusion models (DDPM / DDIM) and watching how they work.</source>
        <translation>一个桌面实验室：训练小型去噪扩散模型（DDPM / DDIM），并观察它们如何工作。</translation>
    </message>
</context>
<context>
    <name>WindowStatusBar</name>
    <message>
        <source>step —</source>
        <translation>步 —</translation>
    </message>
    <message>
        <source>— it/s</source>
        <translation>— it/s</translation>
    </message>
    <message>
        <source>elapsed — · ETA —</source>
        <translation>已用 — · 剩余 —</translation>
    </message>
    <message>
        <source>The device training runs on</source>
        <translation>训练所用的设备</translation>
    </message>
    <message>
        <source>Optimizer step / total</source>
        <translation>优化器步数 / 总步数</translation>
    </message>
    <message>
        <source>Training speed in optimizer steps per second</source>
        <translation>训练速度（每秒优化器步数）</translation>
    </message>
    <message>
        <source>Elapsed training time and estimated time left</source>
        <translation>已用训练时间和预计剩余时间</translation>
    </message>
    <message>
        <source>unsaved experiment</source>
        <translation>未保存的实验</translation>
    </message>
    <message>
        <source>step {0} / {1}</source>
        <translation>步 {0} / {1}</translation>
    </message>
    <message>
        <source>step {0}</source>
        <translation>步 {0}</translation>
    </message>
    <message>
        <source>{0} it/s</source>
        <translation>{0} it/s</translation>
    </message>
    <message>
        <source>elapsed {0} · ETA {1}</source>
        <translation>已用 {0} · 剩余 {1}</translation>
    </message>
</context>
<context>
    <name>owner</name>
    <message>
        <source>Cancel</source>
        <translation type="unfinished">取消</translation>
    </message>
</context>
<context>
    <name>window</name>
    <message>
        <source>Compare runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The Runs tab is unavailable: {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
